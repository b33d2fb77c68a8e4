using Shop.Messaging.Events;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// Raises events as part of a database change: <see cref="Add"/> puts the event into the outbox table of the
/// scope's DbContext, so the next <c>SaveChanges</c> (or the surrounding transaction) commits the change and the
/// event together, or neither. A relay publishes committed events to their streams.
/// </summary>
public interface IOutbox
{
    /// <summary>Adds <paramref name="event"/> to the outbox; it is published once the DbContext's changes commit.</summary>
    void Add(IntegrationEvent @event);
}
