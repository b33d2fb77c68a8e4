using Mediator;
using Shop.Contracts.Orders;

namespace Shop.InventoryService.Handlers;

/// <summary>A cancelled order's stock goes back.</summary>
public sealed class OrderCancelledHandler(ReservationRelease release) : INotificationHandler<OrderCancelled>
{
    public async ValueTask Handle(OrderCancelled notification, CancellationToken cancellationToken) =>
        await release.ReleaseAsync(notification.OrderId, cancellationToken);
}
