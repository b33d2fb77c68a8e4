using Shop.Messaging.Events;

namespace Shop.Messaging.Publishing;

internal sealed class EventPublisher(EventSerializer serializer, IStreamPublisher streams) : IEventPublisher
{
    public Task<string> PublishAsync(IntegrationEvent @event, CancellationToken cancellationToken = default) =>
        streams.PublishAsync(serializer.Serialize(@event), cancellationToken);
}
