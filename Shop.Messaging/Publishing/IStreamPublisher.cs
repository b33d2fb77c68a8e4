namespace Shop.Messaging.Publishing;

/// <summary>Adds already serialized entries to their streams; what the outbox relay uses.</summary>
internal interface IStreamPublisher
{
    /// <summary>XADDs <paramref name="entry"/> under a producer span and returns the Redis entry id.</summary>
    Task<string> PublishAsync(OutgoingEntry entry, CancellationToken cancellationToken = default);
}
