using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.InventoryService.Data;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Transactions;

namespace Shop.InventoryService.Handlers;

/// <summary>
/// Gives back what an order holds, once: a released reservation is never released again, so any number of requests
/// for one order (a cancel, a time-out, a late reservation's release, their repeats) release its stock exactly once.
/// </summary>
public sealed class ReservationRelease(InventoryDb db, IOutbox outbox, TimeProvider timeProvider)
{
    public async Task ReleaseAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginAtomicAsync(cancellationToken);
        var held = await db.Reservations
            .Where(reservation => reservation.OrderId == orderId && reservation.ReleasedAt == null)
            .ToListAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        foreach (var reservation in held)
        {
            await db.Products.Where(product => product.Sku == reservation.Sku)
                .ExecuteUpdateAsync(update => update
                    .SetProperty(product => product.Available, product => product.Available + reservation.Quantity)
                    .SetProperty(product => product.Reserved, product => product.Reserved - reservation.Quantity), cancellationToken);
            reservation.ReleasedAt = now.UtcDateTime;
        }

        if (held.Count > 0)
        {
            outbox.Add(new StockReleased(orderId, [.. held.Select(r => new OrderLine(r.Sku, r.Quantity))]));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
