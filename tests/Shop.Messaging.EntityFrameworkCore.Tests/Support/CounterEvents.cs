using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Messaging.Events;

namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>Raised when a counter changes; its handler on the consuming side adds <see cref="By"/> to a counter.</summary>
public sealed record CounterBumped(string Counter, int By) : IntegrationEvent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CounterBumped))]
public sealed partial class CounterJsonContext : JsonSerializerContext;
