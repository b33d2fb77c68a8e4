using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>An entry as one consumer received it, with how often Redis has delivered it to the group.</summary>
internal readonly record struct Delivery(StreamEntry Entry, long DeliveryCount)
{
    /// <summary>The entry id as text, converted once: logs, spans, the delivery context and the latency all use it.</summary>
    public string EntryId { get; } = Entry.Id.ToString();
}
