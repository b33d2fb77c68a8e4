using System.Diagnostics;
using System.Diagnostics.Metrics;
using Shop.OrderService.Domain;

namespace Shop.OrderService.Saga;

/// <summary>The saga's spans and counters: re-drives and time-outs, visible in the dashboard beside the bus's own.</summary>
public sealed class OrderSagaTelemetry
{
    public const string Name = "Shop.OrderService.Saga";
    private static readonly ActivitySource Source = new(Name);
    private readonly Counter<long> _redriven;
    private readonly Counter<long> _timedOut;

    public OrderSagaTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Name);
        _redriven = meter.CreateCounter<long>("shop.orders.redriven", "{order}", "Status events published again because their answer was overdue.");
        _timedOut = meter.CreateCounter<long>("shop.orders.timed_out", "{order}", "Pending orders rejected after every re-drive went unanswered.");
    }

    /// <summary>
    /// A span in the order's own trace (its parent is the request that placed it): what the deadline does shows up
    /// beside the placement, and the events it publishes continue from it.
    /// </summary>
    public static Activity? StartDeadline(Order order, string action)
    {
        ArgumentNullException.ThrowIfNull(order);
        ActivityContext.TryParse(order.TraceParent, null, out var placedIn);
        return Source.StartActivity($"order {action}", ActivityKind.Internal, placedIn)?
            .SetTag("shop.order.id", order.Id)
            .SetTag("shop.order.status", order.Status.ToString())
            .SetTag("shop.order.redrives", order.Redrives);
    }

    public void Redriven(OrderStatus status) => _redriven.Add(1, new KeyValuePair<string, object?>("shop.order.status", status.ToString()));

    public void TimedOut() => _timedOut.Add(1);
}
