using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Notifications;
using Shop.Messaging.Consuming;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.Events;
using Shop.NotificationService.Data;
using Shop.NotificationService.Domain;
using Shop.NotificationService.Live;

namespace Shop.NotificationService.Handlers;

/// <summary>
/// What every handler of this service does: make the notification for one event, at most once (the inbox, and the
/// unique source event id behind it), publish <see cref="CustomerNotified"/> with it, then tell the live feed.
/// </summary>
public sealed class NotificationWriter(NotificationDb db, IOutbox outbox, NotificationFeed feed, DeliveryContext delivery, TimeProvider timeProvider)
{
    public async Task WriteAsync(IntegrationEvent source, Guid? orderId, string customerId, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (await db.Notifications.AnyAsync(n => n.SourceEventId == source.Id, cancellationToken))
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(now),
            OrderId = orderId,
            CustomerId = customerId,
            Kind = source.GetType().Name,
            Message = message,
            CreatedAt = now.UtcDateTime,
            SourceEventId = source.Id,
        };
        db.Notifications.Add(notification);
        outbox.Add(new CustomerNotified(notification.Id, orderId, customerId, notification.Kind, source.Id));
        await db.SaveChangesAsync(cancellationToken);
        // Live listeners hear of it once it is committed (in a batch, after the batch's last entry), never before.
        delivery.AfterCommit(() => feed.Publish(notification));
    }
}
