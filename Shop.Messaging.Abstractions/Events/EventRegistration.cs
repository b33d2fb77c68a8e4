using System.Text.Json.Serialization.Metadata;

namespace Shop.Messaging.Events;

/// <summary>What the bus knows about one event type: its name on the wire, its stream and its JSON contract.</summary>
/// <param name="EventType">The CLR type, derived from <see cref="IntegrationEvent"/>.</param>
/// <param name="TypeName">The entry's <c>type</c> field.</param>
/// <param name="Stream">The stream of the domain that publishes it.</param>
/// <param name="JsonTypeInfo">Source-generated serialization metadata for <paramref name="EventType"/>.</param>
/// <param name="PartitionKey">
/// What picks the event's partition when its stream has several (events with one key stay in one partition, in order);
/// null: the event's id, which spreads events evenly and promises no order between them.
/// </param>
/// <param name="Version">The current version of the event's contract: the one <paramref name="EventType"/> is, and every publish writes.</param>
internal sealed record EventRegistration(
    Type EventType, string TypeName, string Stream, JsonTypeInfo JsonTypeInfo, Func<IntegrationEvent, string>? PartitionKey = null, int Version = 1);
