using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Messaging.Events;

namespace Shop.Messaging.Tests.Support;

/// <summary>
/// An event the test handler handles. <see cref="Colour"/> came later, as an optional field with a default: a compatible
/// change, so entries written without it are the same version.
/// </summary>
public sealed record ThingHappened(string Name, int Number, string? Colour = null) : IntegrationEvent;

/// <summary>Version 1 of <see cref="ThingHappened"/> in the versioning tests: its name was called <c>title</c>.</summary>
public sealed record ThingHappenedV1(string Title, int Number) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => Number < 0 ? ["number is negative."] : [];
}

/// <summary>Version 2 of <see cref="ThingHappened"/> in the chained-upcast test: its number was a string.</summary>
public sealed record ThingHappenedV2(string Name, string Number) : IntegrationEvent;

/// <summary>An event registered on the stream that no handler in this assembly handles.</summary>
public sealed record NobodyCares(string Note) : IntegrationEvent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ThingHappened))]
[JsonSerializable(typeof(NobodyCares))]
[JsonSerializable(typeof(ThingHappenedV1))]
[JsonSerializable(typeof(ThingHappenedV2))]
public sealed partial class TestEventsJsonContext : JsonSerializerContext;
