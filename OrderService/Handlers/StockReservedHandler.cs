using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;

namespace Shop.OrderService.Handlers;

/// <summary>Every line is reserved: a pending order is confirmed. A cancelled one stays cancelled (inventory releases the stock on OrderCancelled).</summary>
public sealed class StockReservedHandler(OrderDb db, IOutbox outbox, TimeProvider timeProvider) : INotificationHandler<StockReserved>
{
    public async ValueTask Handle(StockReserved notification, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == notification.OrderId, cancellationToken);
        if (order is not null && order.Confirm(timeProvider.GetUtcNow()))
        {
            outbox.Add(new OrderConfirmed(order.Id, order.CustomerId) { OccurredAt = timeProvider.GetUtcNow() });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
