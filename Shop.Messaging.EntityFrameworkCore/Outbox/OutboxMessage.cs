using Shop.Messaging.Publishing;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the change that raised it. The relay sends
/// rows in <see cref="Id"/> order: on SQLite (one writer at a time) that is commit order; on a database with concurrent
/// writers it is the order rows were added, so two transactions that commit at once may be relayed in either order
/// (none is skipped: every unpublished row is taken, whatever its id).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public required string EventId { get; init; }

    /// <summary>The key to add the entry to: the stream, or the partition picked when the event was raised.</summary>
    public required string Stream { get; init; }

    public required string Type { get; init; }

    /// <summary>
    /// The version of the event's contract <see cref="Data"/> follows, fixed when the row was written: a row written
    /// before an upgrade is relayed after it as what it is. Rows from before versions existed are version 1.
    /// </summary>
    public int Version { get; init; } = 1;

    public required string Data { get; init; }

    public DateTime OccurredAt { get; init; }

    public required string Source { get; init; }

    /// <summary>The trace context the event was raised in, so the relay's publish continues that trace.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>
    /// The id of the event whose handling raised this one (null outside a handler): what the inbox republishes when
    /// that event arrives again, so a repeated question gets the same answer.
    /// </summary>
    public string? CausationId { get; init; }

    /// <summary>Null until the entry is in its stream.</summary>
    public DateTime? PublishedAt { get; set; }

    /// <summary>The relay batch that holds the row; with <see cref="LeasedUntil"/>, keeps two relays from sending it twice.</summary>
    public string? LeaseToken { get; set; }

    public DateTime? LeasedUntil { get; set; }

    /// <summary>Failed publish attempts, and the last error, for the operator.</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }

    internal static OutboxMessage From(OutgoingEntry entry, DateTimeOffset createdAt, Guid? causationId)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new OutboxMessage
        {
            EventId = entry.EventId,
            Stream = entry.Key,
            Type = entry.TypeName,
            Version = entry.Version,
            Data = entry.Data,
            OccurredAt = entry.OccurredAt.UtcDateTime,
            Source = entry.Source,
            TraceParent = entry.TraceParent,
            TraceState = entry.TraceState,
            CreatedAt = createdAt.UtcDateTime,
            CausationId = causationId?.ToString(),
        };
    }

    internal OutgoingEntry ToOutgoingEntry() => new(
        Stream, EventId, Type, Version, Data, new DateTimeOffset(DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc)), Source, TraceParent, TraceState);
}
