using Mediator;
using Shop.Contracts.Orders;

namespace Shop.NotificationService.Handlers;

/// <summary>Tells the customer their order is confirmed.</summary>
public sealed class OrderConfirmedHandler(NotificationWriter writer) : INotificationHandler<OrderConfirmed>
{
    public async ValueTask Handle(OrderConfirmed notification, CancellationToken cancellationToken) =>
        await writer.WriteAsync(notification, notification.OrderId, notification.CustomerId,
            $"Your order {notification.OrderId} is confirmed.", cancellationToken);
}

/// <summary>Tells the customer their order was rejected, and why.</summary>
public sealed class OrderRejectedHandler(NotificationWriter writer) : INotificationHandler<OrderRejected>
{
    public async ValueTask Handle(OrderRejected notification, CancellationToken cancellationToken) =>
        await writer.WriteAsync(notification, notification.OrderId, notification.CustomerId,
            $"Your order {notification.OrderId} was rejected: {notification.Reason}", cancellationToken);
}

/// <summary>Confirms a cancellation to the customer.</summary>
public sealed class OrderCancelledHandler(NotificationWriter writer) : INotificationHandler<OrderCancelled>
{
    public async ValueTask Handle(OrderCancelled notification, CancellationToken cancellationToken) =>
        await writer.WriteAsync(notification, notification.OrderId, notification.CustomerId,
            $"Your order {notification.OrderId} is cancelled.", cancellationToken);
}
