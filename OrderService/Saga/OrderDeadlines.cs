using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.Contracts.Orders;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.Resilience;
using Shop.OrderService.Data;
using Shop.OrderService.Domain;

namespace Shop.OrderService.Saga;

/// <summary>
/// The saga's deadlines: every <see cref="OrderSagaOptions.DeadlineScanInterval"/> (on the <see cref="TimeProvider"/>),
/// the orders whose answer is overdue — pending for <see cref="OrderSagaOptions.ReservationTimeout"/>, or final and not
/// notified as long — get their status event published again with its own id; a pending order that got no answer
/// after <see cref="OrderSagaOptions.MaxRedrives"/> re-drives is rejected as timed out. So an order never stays pending,
/// even when the broker lost the event or its answer.
/// </summary>
/// <remarks>
/// Several OrderService instances on one database scan the same rows; each order is changed under its version check
/// (optimistic concurrency), so of two instances that find it due, one re-drives it and the other's save fails and is
/// dropped. The winner's re-drive starts the deadline over, so no one finds it due again before the next timeout.
/// </remarks>
public sealed class OrderDeadlines(
    IServiceScopeFactory scopes,
    IOptions<OrderSagaOptions> options,
    OrderSagaTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<OrderDeadlines> logger) : BackgroundService
{
    /// <summary>The reason a timed-out order is rejected with: part of the contract.</summary>
    public const string TimedOutReason = "Timed out waiting for inventory";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        return Periodically.RunAsync(
            settings.DeadlineScanInterval,
            timeProvider,
            async () =>
            {
                // A full batch means more may be due right behind it.
                while (await RunOnceAsync(stoppingToken).ConfigureAwait(false) == settings.DeadlineScanBatchSize)
                {
                }
            },
            // The one loop that keeps orders from staying pending must outlive whatever one scan hits.
            survives: _ => true,
            exception => OrderSagaLog.ScanFailed(logger, exception),
            stoppingToken);
    }

    /// <summary>One scan: handles the orders overdue now; returns how many it found.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        var dueBefore = (now - settings.ReservationTimeout).UtcDateTime;
        List<Guid> due;
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            // Served by the index on (Status, UpdatedAt); a final order that exhausted its re-drives is left alone.
            due = await scope.ServiceProvider.GetRequiredService<OrderDb>().Orders.AsNoTracking()
                .Where(order => order.UpdatedAt <= dueBefore && order.NotifiedAt == null
                                && (order.Status == OrderStatus.Pending || order.Redrives < settings.MaxRedrives))
                .OrderBy(order => order.UpdatedAt)
                .Select(order => order.Id)
                .Take(settings.DeadlineScanBatchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var orderId in due)
        {
            await HandleOverdueAsync(orderId, settings, cancellationToken).ConfigureAwait(false);
        }

        return due.Count;
    }

    private async Task HandleOverdueAsync(Guid orderId, OrderSagaOptions settings, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken).ConfigureAwait(false);
            var now = timeProvider.GetUtcNow();
            // Read again: an answer may have arrived since the scan.
            if (order is null || !order.IsOverdue(settings.ReservationTimeout, now))
            {
                return;
            }

            var timesOut = order.Status == OrderStatus.Pending && order.Redrives >= settings.MaxRedrives;
            using var activity = OrderSagaTelemetry.StartDeadline(order, timesOut ? "timed out" : "re-drive");
            if (!(timesOut ? TimeOut(order, outbox, now) : Redrive(order, outbox, now)))
            {
                return;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                OrderSagaLog.DeadlineRaced(logger, order.Id);
                return;
            }

            Report(order, timesOut, settings);
        }
    }

    /// <summary>A pending order re-driven <see cref="OrderSagaOptions.MaxRedrives"/> times without an answer is rejected.</summary>
    private static bool TimeOut(Order order, IOutbox outbox, DateTimeOffset now)
    {
        order.Reject(TimedOutReason, now);
        outbox.Add(OrderStatusEvents.Current(order));
        // Inventory may have reserved (an answer lost) or reserve later (a question delayed): either way it goes back.
        outbox.Add(new StockReleaseRequested(order.Id, TimedOutReason));
        return true;
    }

    /// <summary>The order's current status event, published again with its own id; false when nothing is awaited.</summary>
    private static bool Redrive(Order order, IOutbox outbox, DateTimeOffset now)
    {
        if (!order.Redrive(now))
        {
            return false;
        }

        outbox.Add(OrderStatusEvents.Current(order));
        return true;
    }

    private void Report(Order order, bool timedOut, OrderSagaOptions settings)
    {
        if (timedOut)
        {
            telemetry.TimedOut();
            OrderSagaLog.TimedOut(logger, order.Id, settings.MaxRedrives);
        }
        else
        {
            telemetry.Redriven(order.Status);
            OrderSagaLog.Redriven(logger, order.Id, order.Status, settings.ReservationTimeout, order.StatusEventId, order.Redrives, settings.MaxRedrives);
        }
    }
}
