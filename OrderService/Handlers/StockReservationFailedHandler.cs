using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Inventory;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;
using Shop.OrderService.Saga;

namespace Shop.OrderService.Handlers;

/// <summary>Not every line could be reserved: a pending order is rejected, with the reason.</summary>
public sealed class StockReservationFailedHandler(OrderDb db, IOutbox outbox, TimeProvider timeProvider) : INotificationHandler<StockReservationFailed>
{
    public async ValueTask Handle(StockReservationFailed notification, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == notification.OrderId, cancellationToken);
        if (order is not null)
        {
            if (order.Reject(notification.Reason, timeProvider.GetUtcNow()))
            {
                outbox.Add(OrderStatusEvents.Current(order));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
