using Mediator;
using Shop.Contracts.Inventory;
using Shop.NotificationService.Domain;

namespace Shop.NotificationService.Handlers;

/// <summary>Asks the operations team to restock.</summary>
public sealed class StockLowHandler(NotificationWriter writer) : INotificationHandler<StockLow>
{
    public async ValueTask Handle(StockLow notification, CancellationToken cancellationToken) =>
        await writer.WriteAsync(notification, orderId: null, Notification.OperationsTeam,
            $"{notification.Sku} is low: {notification.Available} left (threshold {notification.Threshold}).", cancellationToken);
}
