using Shop.Contracts;
using Shop.Contracts.Orders;
using Shop.Messaging.Events;
using Shop.OrderService.Domain;

namespace Shop.OrderService.Saga;

/// <summary>
/// The event that announces an order's current status, rebuilt from the order with the id and time it was first
/// published with: a re-drive publishes the very same event again, which every consumer's inbox recognises.
/// </summary>
public static class OrderStatusEvents
{
    public static OrderPlaced Placed(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        // One line per product (OrderPlaced version 2), whatever split into lines the customer sent.
        return new OrderPlaced(order.Id, order.CustomerId, OrderLine.PerProduct(order.Items.Select(item => new OrderLine(item.Sku, item.Quantity))))
        {
            Id = order.StatusEventId,
            OccurredAt = At(order),
        };
    }

    public static IntegrationEvent Current(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Status switch
        {
            OrderStatus.Pending => Placed(order),
            OrderStatus.Confirmed => new OrderConfirmed(order.Id, order.CustomerId) { Id = order.StatusEventId, OccurredAt = At(order) },
            OrderStatus.Rejected => new OrderRejected(order.Id, order.CustomerId, order.Reason ?? "") { Id = order.StatusEventId, OccurredAt = At(order) },
            OrderStatus.Cancelled => new OrderCancelled(order.Id, order.CustomerId) { Id = order.StatusEventId, OccurredAt = At(order) },
            _ => throw new InvalidOperationException($"Order {order.Id} has no status event for {order.Status}."),
        };
    }

    private static DateTimeOffset At(Order order) => new(DateTime.SpecifyKind(order.StatusChangedAt, DateTimeKind.Utc));
}
