namespace Shop.Messaging.Publishing;

/// <summary>Adds already serialized entries to their streams; what the outbox relay uses.</summary>
internal interface IStreamPublisher
{
    /// <summary>XADDs <paramref name="entry"/> under a producer span and returns the Redis entry id.</summary>
    Task<string> PublishAsync(OutgoingEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns once <see cref="Configuration.MessagingOptions.MinReplicas"/> replicas have what this process published to
    /// <paramref name="keys"/> (at once when it is 0); throws <see cref="Replication.ReplicationShortfallException"/> when they fall short.
    /// </summary>
    Task ConfirmReplicatedAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default);
}
