using Shop.Messaging.Events;

namespace Shop.Messaging.Publishing;

/// <summary>Publishes events straight to their streams (XADD). To publish together with a database change, use the outbox.</summary>
public interface IEventPublisher
{
    /// <summary>Adds <paramref name="event"/> to its domain's stream and returns the Redis entry id.</summary>
    Task<string> PublishAsync(IntegrationEvent @event, CancellationToken cancellationToken = default);
}
