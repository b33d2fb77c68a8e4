using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.Messaging.Consuming;
using Shop.Messaging.Inbox;

namespace Shop.Messaging.EntityFrameworkCore.Inbox;

/// <summary>
/// The inbox in the service's own database. The record is added to the same DbContext the handlers use (one per
/// delivery scope), so the handlers' <c>SaveChanges</c> commits effect and record in one transaction: either
/// both are there, and a redelivery is skipped, or neither is, and the redelivery applies the effect.
/// </summary>
internal sealed class EntityFrameworkInbox<TDbContext>(TDbContext db, IOptions<InboxOptions> options, TimeProvider timeProvider) : IInbox
    where TDbContext : DbContext
{
    private InboxMessage? _record;

    public async ValueTask<bool> TryBeginAsync(DeliveryContext delivery, Type eventType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(eventType);
        if (options.Value.ExcludedEventTypes.Contains(eventType))
        {
            return true;
        }

        var applied = await db.Set<InboxMessage>().AnyAsync(
            message => message.ConsumerGroup == delivery.Group && message.EventId == delivery.EventId, cancellationToken).ConfigureAwait(false);
        if (applied)
        {
            return false;
        }

        _record = new InboxMessage
        {
            ConsumerGroup = delivery.Group,
            EventId = delivery.EventId,
            EventType = eventType.Name,
            Stream = delivery.Stream,
            EntryId = delivery.EntryId,
            ProcessedAt = timeProvider.GetUtcNow().UtcDateTime,
        };
        db.Set<InboxMessage>().Add(_record);
        return true;
    }

    public async ValueTask CompleteAsync(DeliveryContext delivery, CancellationToken cancellationToken)
    {
        // A handler that changed nothing (e.g. an event that is no longer relevant) saved nothing: the record
        // still has to be kept, or the next delivery would run it again.
        if (_record is not null && db.Entry(_record).State == EntityState.Added)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
