namespace Shop.Messaging.EntityFrameworkCore.Inbox;

/// <summary>
/// One event one consumer group has applied. The key (group, event id) is unique, so of two concurrent deliveries
/// of the same event only one can commit its effect.
/// </summary>
public sealed class InboxMessage
{
    public required string ConsumerGroup { get; init; }

    public Guid EventId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The entry that carried it, for the operator.</summary>
    public required string Stream { get; init; }

    public required string EntryId { get; init; }

    public DateTime ProcessedAt { get; init; }
}
