using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;

namespace Shop.OrderService.Handlers;

/// <summary>Not every line could be reserved: a pending order is rejected, with the reason.</summary>
public sealed class StockReservationFailedHandler(OrderDb db, IOutbox outbox, TimeProvider timeProvider) : INotificationHandler<StockReservationFailed>
{
    public async ValueTask Handle(StockReservationFailed notification, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == notification.OrderId, cancellationToken);
        if (order is not null)
        {
            var rejected = new OrderRejected(order.Id, order.CustomerId, notification.Reason) { OccurredAt = timeProvider.GetUtcNow() };
            if (order.Reject(notification.Reason, rejected.Id, rejected.OccurredAt))
            {
                outbox.Add(rejected);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
