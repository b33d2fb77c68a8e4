namespace Shop.Messaging.Events;

/// <summary>The field names of a stream entry, as the contract defines them.</summary>
public static class EntryFields
{
    /// <summary>The event's own id, the key for idempotency.</summary>
    public const string Id = "id";

    /// <summary>The event type name, e.g. <c>OrderPlaced</c>.</summary>
    public const string Type = "type";

    /// <summary>
    /// The version of the event's contract that <see cref="Data"/> follows, a positive integer. Absent means 1: every
    /// entry written before events had versions is version 1.
    /// </summary>
    public const string Version = "version";

    /// <summary>The payload as UTF-8 JSON, camelCase.</summary>
    public const string Data = "data";

    /// <summary>When the domain change happened, ISO-8601 UTC.</summary>
    public const string OccurredAt = "occurredAt";

    /// <summary>The publishing service.</summary>
    public const string Source = "source";

    /// <summary>W3C trace context of the publishing activity.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>W3C trace state, carried only when the publishing activity has one.</summary>
    public const string TraceState = "tracestate";

    // Extra fields on a dead-letter entry.

    /// <summary>Dead letters: the consumer group that gave up on the entry.</summary>
    public const string Group = "group";

    /// <summary>Dead letters: the consumer that gave up on the entry.</summary>
    public const string Consumer = "consumer";

    /// <summary>Dead letters: how often the entry had been delivered.</summary>
    public const string Deliveries = "deliveries";

    /// <summary>Dead letters: why the entry was given up on.</summary>
    public const string Error = "error";

    /// <summary>Dead letters: the entry's id in its original stream.</summary>
    public const string OriginalId = "originalId";

    /// <summary>
    /// Dead letters of an entry over <c>Messaging:MaxEntryBytes</c>: the original fields left out, each with its size
    /// (<c>data (1100042 bytes)</c>). Such a dead letter keeps only the original's small fields; the original stays in
    /// its stream under <see cref="OriginalId"/> until it is trimmed.
    /// </summary>
    public const string Omitted = "omitted";

    /// <summary>
    /// How often the entry was replayed from its dead-letter stream (the streams console writes it on the re-published
    /// entry; a dead letter of a replayed entry carries it on). Consumers ignore it.
    /// </summary>
    public const string Replays = "replays";
}
