using Shop.Messaging.Consuming;

namespace Shop.Messaging.Inbox;

/// <summary>
/// Idempotent handling: remembers which events this consumer group has applied, so a redelivered entry is
/// acknowledged without running its effect again. Resolved from the delivery's scope when registered (see
/// Shop.Messaging.EntityFrameworkCore); without one, every delivery runs its handlers.
/// </summary>
public interface IInbox
{
    /// <summary>
    /// Called before the handlers run. Returns false when the event was applied already (the entry is then
    /// acknowledged and counted as a duplicate). Otherwise it records the event so that the record commits
    /// together with the handlers' own changes.
    /// </summary>
    ValueTask<bool> TryBeginAsync(DeliveryContext delivery, Type eventType, CancellationToken cancellationToken);

    /// <summary>Called after every handler succeeded: commits the record if no handler's transaction did.</summary>
    ValueTask CompleteAsync(DeliveryContext delivery, CancellationToken cancellationToken);
}
