using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;
using Shop.OrderService.Domain;
using Shop.OrderService.Saga;

namespace Shop.OrderService.Handlers;

/// <summary>
/// Every line is reserved: a pending order is confirmed. A reservation that does not fit the saga is settled, never
/// ignored, so no stock stays held for nothing: for an order that was rejected (timed out) or cancelled before it
/// arrived, for an order this service never placed, or one that contradicts the order (other products or quantities
/// than it has), inventory is asked to give the stock back (<see cref="StockReleaseRequested"/>); a pending order whose
/// reservation contradicts it is rejected, since the two services disagree on what was ordered. A confirmed order keeps
/// what confirmed it: inventory reserves an order at most once, so a second reservation holds nothing.
/// </summary>
public sealed class StockReservedHandler(OrderDb db, IOutbox outbox, TimeProvider timeProvider) : INotificationHandler<StockReserved>
{
    /// <summary>The reason of the release asked for a reservation of an order that does not exist: part of the contract.</summary>
    public const string UnknownOrderReason = "Reserved for an order OrderService never placed.";

    /// <summary>Why a pending order is rejected when its reservation names other lines: part of the contract.</summary>
    public const string ContradictingReservationReason = "Inventory reserved other products or quantities than the order has.";

    public async ValueTask Handle(StockReserved notification, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == notification.OrderId, cancellationToken);
        if (order is null)
        {
            outbox.Add(new StockReleaseRequested(notification.OrderId, UnknownOrderReason));
        }
        else if (!order.HasLines(notification.Items.Select(line => (line.Sku, line.Quantity))))
        {
            if (order.Reject(ContradictingReservationReason, now))
            {
                outbox.Add(OrderStatusEvents.Current(order));
            }

            if (order.Status != OrderStatus.Confirmed)
            {
                outbox.Add(new StockReleaseRequested(order.Id, ContradictingReservationReason));
            }
        }
        else
        {
            if (order.Confirm(now))
            {
                outbox.Add(OrderStatusEvents.Current(order));
            }
            else if (order.Status is OrderStatus.Rejected or OrderStatus.Cancelled)
            {
                outbox.Add(new StockReleaseRequested(order.Id, $"Reserved after the order was {order.Status.ToString().ToLowerInvariant()}."));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
