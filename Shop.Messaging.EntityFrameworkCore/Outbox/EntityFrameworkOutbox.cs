using Microsoft.EntityFrameworkCore;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

internal sealed class EntityFrameworkOutbox<TDbContext>(TDbContext db, EventSerializer serializer, TimeProvider timeProvider) : IOutbox
    where TDbContext : DbContext
{
    // Serialized now, not at publish time: the row keeps the event as it was, and the trace context it was raised in.
    public void Add(IntegrationEvent @event) =>
        db.Set<OutboxMessage>().Add(OutboxMessage.From(serializer.Serialize(@event), timeProvider.GetUtcNow()));
}
