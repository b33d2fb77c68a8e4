using System.Text.Json.Serialization.Metadata;

namespace Shop.Messaging.Events;

/// <summary>How one version of an event is read: its JSON shape, and the upcast to the current record (none for the current version).</summary>
/// <param name="Version">The version an entry names in its <c>version</c> field.</param>
/// <param name="JsonTypeInfo">The shape of that version's <c>data</c>.</param>
/// <param name="Upcast">The chain of upcasters from that shape to the current record; null for the current version.</param>
internal sealed record EventReader(int Version, JsonTypeInfo JsonTypeInfo, Func<IntegrationEvent, IntegrationEvent>? Upcast);
