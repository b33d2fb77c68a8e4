namespace Shop.Messaging.Publishing;

/// <summary>
/// An event serialized into the contract's entry fields, ready to be added to its stream. The outbox stores
/// exactly this, so an event relayed after a crash is the same entry it would have been at once.
/// </summary>
/// <param name="Key">The key the entry goes to: the publishing domain's stream, or the partition of it that the event's partition key picked.</param>
/// <param name="EventId">The event's id (the entry's <c>id</c> field).</param>
/// <param name="TypeName">The entry's <c>type</c> field.</param>
/// <param name="Version">The entry's <c>version</c> field: the version of the event's contract <paramref name="Data"/> follows.</param>
/// <param name="Data">The payload as camelCase JSON.</param>
/// <param name="OccurredAt">When the domain change happened.</param>
/// <param name="Source">The publishing service.</param>
/// <param name="TraceParent">W3C trace context of the activity that raised the event, if any.</param>
/// <param name="TraceState">W3C trace state of that activity, if any.</param>
internal sealed record OutgoingEntry(
    string Key,
    string EventId,
    string TypeName,
    int Version,
    string Data,
    DateTimeOffset OccurredAt,
    string Source,
    string? TraceParent,
    string? TraceState);
