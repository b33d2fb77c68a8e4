using Shop.OrderService.Domain;

namespace Shop.OrderService.Saga;

/// <summary>The saga deadlines' log events, source-generated.</summary>
internal static partial class OrderSagaLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Order {OrderId} waited {Timeout} for an answer as {Status}: its status event {EventId} is published again (re-drive {Redrive} of {MaxRedrives})")]
    public static partial void Redriven(ILogger logger, Guid orderId, OrderStatus status, TimeSpan timeout, Guid eventId, int redrive, int maxRedrives);

    [LoggerMessage(2002, LogLevel.Warning, "Order {OrderId} got no answer from inventory after {Redrives} re-drives: rejected as timed out, and its stock released should any be reserved late")]
    public static partial void TimedOut(ILogger logger, Guid orderId, int redrives);

    [LoggerMessage(2003, LogLevel.Debug, "Order {OrderId} changed while its deadline was handled; the other change stands")]
    public static partial void DeadlineRaced(ILogger logger, Guid orderId);

    [LoggerMessage(2004, LogLevel.Warning, "Looking for overdue orders failed; it runs again on the next tick")]
    public static partial void ScanFailed(ILogger logger, Exception exception);
}
