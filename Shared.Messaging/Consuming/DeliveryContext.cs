namespace Shop.Messaging.Consuming;

/// <summary>
/// Where the event being handled came from. Scoped: the bus fills it in the scope it creates for each delivery,
/// so a handler (or the inbox) can inject it to learn the event id, group and delivery count.
/// </summary>
public sealed class DeliveryContext
{
    /// <summary>The stream the entry was read from.</summary>
    public string Stream { get; internal set; } = "";

    /// <summary>The consumer group reading it: this service.</summary>
    public string Group { get; internal set; } = "";

    /// <summary>This instance's consumer name.</summary>
    public string Consumer { get; internal set; } = "";

    /// <summary>The Redis entry id.</summary>
    public string EntryId { get; internal set; } = "";

    /// <summary>The event's own id (the idempotency key).</summary>
    public Guid EventId { get; internal set; }

    /// <summary>How often Redis has delivered this entry to the group, this delivery included.</summary>
    public long DeliveryCount { get; internal set; }
}
