using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;
using Shop.OrderService.Domain;

namespace Shop.OrderService.Handlers;

/// <summary>
/// Every line is reserved: a pending order is confirmed. An order that was rejected (timed out) or cancelled before the
/// reservation arrived asks inventory to give the stock back, so a late reservation never stays held.
/// </summary>
public sealed class StockReservedHandler(OrderDb db, IOutbox outbox, TimeProvider timeProvider) : INotificationHandler<StockReserved>
{
    public async ValueTask Handle(StockReserved notification, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == notification.OrderId, cancellationToken);
        if (order is not null)
        {
            var confirmed = new OrderConfirmed(order.Id, order.CustomerId) { OccurredAt = timeProvider.GetUtcNow() };
            if (order.Confirm(confirmed.Id, confirmed.OccurredAt))
            {
                outbox.Add(confirmed);
            }
            else if (order.Status is OrderStatus.Rejected or OrderStatus.Cancelled)
            {
                outbox.Add(new StockReleaseRequested(order.Id, $"Reserved after the order was {order.Status.ToString().ToLowerInvariant()}.")
                {
                    OccurredAt = timeProvider.GetUtcNow(),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
