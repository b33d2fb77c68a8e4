using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Notifications;
using Shop.OrderService.Data;
using Shop.OrderService.Domain;

namespace Shop.OrderService.Handlers;

/// <summary>The customer heard about the order's outcome: note when, if that outcome still stands.</summary>
public sealed class CustomerNotifiedHandler(OrderDb db, TimeProvider timeProvider) : INotificationHandler<CustomerNotified>
{
    public async ValueTask Handle(CustomerNotified notification, CancellationToken cancellationToken)
    {
        if (notification.OrderId is not { } orderId || !Enum.TryParse<OrderStatus>(notification.Kind.Replace("Order", "", StringComparison.Ordinal), out var outcome))
        {
            return;
        }

        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is not null && order.MarkNotified(outcome, timeProvider.GetUtcNow()))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
