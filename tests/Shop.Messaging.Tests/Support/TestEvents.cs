using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Messaging.Events;

namespace Shop.Messaging.Tests.Support;

/// <summary>An event the test handler handles.</summary>
public sealed record ThingHappened(string Name, int Number) : IntegrationEvent;

/// <summary>An event registered on the stream that no handler in this assembly handles.</summary>
public sealed record NobodyCares(string Note) : IntegrationEvent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ThingHappened))]
[JsonSerializable(typeof(NobodyCares))]
public sealed partial class TestEventsJsonContext : JsonSerializerContext;
