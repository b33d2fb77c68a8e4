using Shop.Messaging.Events;
using Shop.Messaging.Replication;

namespace Shop.Messaging.Publishing;

internal sealed class EventPublisher(EventSerializer serializer, IStreamPublisher streams, ReplicaConfirmation replicas) : IEventPublisher
{
    /// <summary>
    /// Tries with too few replicas before a direct publish gives up. Each try adds the entry again (same event id: the
    /// inbox absorbs the repeats), because after a failover the first one may be gone with its primary.
    /// </summary>
    private const int ReplicationAttempts = 3;

    public Task<string> PublishAsync(IntegrationEvent @event, CancellationToken cancellationToken = default)
    {
        var entry = serializer.Serialize(@event);
        return replicas.Required ? PublishReplicatedAsync(entry, cancellationToken) : streams.PublishAsync(entry, cancellationToken);
    }

    private async Task<string> PublishReplicatedAsync(OutgoingEntry entry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var entryId = await streams.PublishAsync(entry, cancellationToken).ConfigureAwait(false);
            try
            {
                await streams.ConfirmReplicatedAsync([entry.Key], cancellationToken).ConfigureAwait(false);
                return entryId;
            }
            catch (ReplicationShortfallException) when (attempt < ReplicationAttempts)
            {
                // The wait itself took ReplicaTimeout: no pause before the next try.
            }
        }
    }
}
