using Mediator;
using Shop.Contracts.Orders;

namespace Shop.InventoryService.Handlers;

/// <summary>An order that will not use its stock (timed out, or reserved after it ended) gives it back.</summary>
public sealed class StockReleaseRequestedHandler(ReservationRelease release) : INotificationHandler<StockReleaseRequested>
{
    public async ValueTask Handle(StockReleaseRequested notification, CancellationToken cancellationToken) =>
        await release.ReleaseAsync(notification.OrderId, cancellationToken);
}
