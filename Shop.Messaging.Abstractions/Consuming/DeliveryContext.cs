namespace Shop.Messaging.Consuming;

/// <summary>
/// Where the event being handled came from. Scoped: the bus fills it in the scope it handles a delivery (or a batch of
/// deliveries, one after the other) in, so a handler (or the inbox) can inject it to learn the event id, group and
/// delivery count of the entry at hand.
/// </summary>
public sealed class DeliveryContext
{
    private List<Action>? _afterCommit;

    /// <summary>The key the entry was read from: the stream (<c>orders</c>), or one of its partitions (<c>orders:{2}</c>).</summary>
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

    /// <summary>
    /// Runs <paramref name="action"/> once the handler's changes are committed, and never if they are rolled back: for
    /// what lives outside the database (a push to a live connection). In a batch the commit comes after the last
    /// entry; a handler's own <c>SaveChanges</c> commits nothing then.
    /// </summary>
    public void AfterCommit(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        (_afterCommit ??= []).Add(action);
    }

    internal void Begin(string stream, string group, string consumer, string entryId, long deliveryCount, Guid eventId)
    {
        Stream = stream;
        Group = group;
        Consumer = consumer;
        EntryId = entryId;
        EventId = eventId;
        DeliveryCount = deliveryCount;
    }

    /// <summary>Hands over (and forgets) what waits for the commit.</summary>
    internal List<Action>? TakeAfterCommit()
    {
        var actions = _afterCommit;
        _afterCommit = null;
        return actions;
    }
}
