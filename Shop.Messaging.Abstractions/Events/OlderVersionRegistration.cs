using System.Text.Json.Serialization.Metadata;

namespace Shop.Messaging.Events;

/// <summary>
/// An older version of an event that this process still reads: its shape and how to turn it into the next newer one.
/// The catalog chains these up to the current version, so a handler only ever sees the current record.
/// </summary>
/// <param name="ShapeType">The record the older version's <c>data</c> is read into.</param>
/// <param name="Version">The version number entries of this shape carry in their <c>version</c> field.</param>
/// <param name="JsonTypeInfo">Source-generated serialization metadata for <paramref name="ShapeType"/>.</param>
/// <param name="NewerType">What <paramref name="Upcast"/> returns: the current event, or the next older version's shape.</param>
/// <param name="Upcast">Turns a <paramref name="ShapeType"/> into a <paramref name="NewerType"/>.</param>
internal sealed record OlderVersionRegistration(
    Type ShapeType, int Version, JsonTypeInfo JsonTypeInfo, Type NewerType, Func<IntegrationEvent, IntegrationEvent> Upcast);
