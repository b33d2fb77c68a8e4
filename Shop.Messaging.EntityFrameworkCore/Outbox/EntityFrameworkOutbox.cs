using Microsoft.EntityFrameworkCore;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

internal sealed class EntityFrameworkOutbox<TDbContext>(TDbContext db, EventSerializer serializer, DeliveryContext delivery, TimeProvider timeProvider) : IOutbox
    where TDbContext : DbContext
{
    // Serialized now, not at publish time: the row keeps the event as it was, and the trace context it was raised in.
    // Raised while handling a delivery, it remembers that delivery's event as its cause (see EntityFrameworkInbox).
    public void Add(IntegrationEvent @event) =>
        db.Set<OutboxMessage>().Add(OutboxMessage.From(
            serializer.Serialize(@event), timeProvider.GetUtcNow(), delivery.EventId == Guid.Empty ? null : delivery.EventId));
}
