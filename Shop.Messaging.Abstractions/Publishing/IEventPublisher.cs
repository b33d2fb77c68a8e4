using Shop.Messaging.Events;

namespace Shop.Messaging.Publishing;

/// <summary>
/// Publishes events straight to their streams (XADD), outside any transaction: what the outbox relay uses, and what a
/// process without a database of its own may use. A service publishes through its outbox (<c>IOutbox.Add</c>), so that
/// an event is published exactly when the change it announces commits.
/// </summary>
public interface IEventPublisher
{
    /// <summary>Adds <paramref name="event"/> to its domain's stream and returns the Redis entry id.</summary>
    Task<string> PublishAsync(IntegrationEvent @event, CancellationToken cancellationToken = default);
}
