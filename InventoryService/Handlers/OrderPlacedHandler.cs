using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.InventoryService.Data;
using Shop.InventoryService.Domain;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Transactions;
using Shop.Messaging.Events;

namespace Shop.InventoryService.Handlers;

/// <summary>
/// Reserves every line of a new order, or none: each line is one conditional UPDATE (<c>… WHERE Available &gt;= n</c>)
/// inside one atomic scope (a transaction alone, a savepoint in a batch), so two instances can never both take the last
/// unit, and a line that does not fit rolls back the lines before it. An order is reserved at most once: a second
/// OrderPlaced for an order that holds (or held) stock — another event than the first, or the inbox would have caught
/// it — contradicts what this service knows, and is dead-lettered at once without touching stock.
/// </summary>
public sealed class OrderPlacedHandler(InventoryDb db, IOutbox outbox, TimeProvider timeProvider) : INotificationHandler<OrderPlaced>
{
    public async ValueTask Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        if (await db.Reservations.AnyAsync(reservation => reservation.OrderId == notification.OrderId, cancellationToken))
        {
            throw new InvalidEventException(
                $"Order {notification.OrderId} is reserved already, by another OrderPlaced than {notification.Id}: an order is reserved at most once.");
        }

        // One line per product: version 2 says so, and a version 1 entry was merged when it was upcast.
        var failure = await TryReserveAsync(notification.OrderId, notification.Lines, cancellationToken);
        if (failure is not null)
        {
            // Nothing was reserved; the answer (and the inbox record) commit on their own.
            outbox.Add(new StockReservationFailed(notification.OrderId, failure));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Returns null when every line is reserved and committed, else why not (and nothing is reserved).</summary>
    private async Task<string?> TryReserveAsync(Guid orderId, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginAtomicAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        // Tracked only once every line fits: on a rollback nothing of this attempt may reach SaveChanges.
        var reservations = new List<Reservation>(lines.Count);
        var lowStock = new List<StockLow>();
        foreach (var line in lines)
        {
            var reserved = await db.Products
                .Where(product => product.Sku == line.Sku && product.Available >= line.Quantity)
                .ExecuteUpdateAsync(update => update
                    .SetProperty(product => product.Available, product => product.Available - line.Quantity)
                    .SetProperty(product => product.Reserved, product => product.Reserved + line.Quantity), cancellationToken);
            if (reserved == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await db.Products.AnyAsync(product => product.Sku == line.Sku, cancellationToken)
                    ? $"Not enough stock for {line.Sku}: {line.Quantity} requested."
                    : $"Unknown SKU {line.Sku}.";
            }

            reservations.Add(new Reservation { OrderId = orderId, Sku = line.Sku, Quantity = line.Quantity, ReservedAt = now.UtcDateTime });
            var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == line.Sku, cancellationToken);
            if (Product.CrossedLowStock(product.Available, line.Quantity, product.LowStockThreshold))
            {
                lowStock.Add(new StockLow(product.Sku, product.Available, product.LowStockThreshold));
            }
        }

        db.Reservations.AddRange(reservations);
        lowStock.ForEach(outbox.Add);
        outbox.Add(new StockReserved(orderId, lines));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
