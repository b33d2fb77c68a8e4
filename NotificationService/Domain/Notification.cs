namespace Shop.NotificationService.Domain;

/// <summary>
/// A message to a customer about an order's outcome, or to the operations team about low stock. Its
/// <see cref="SourceEventId"/> is unique: one event makes one notification, however often it is delivered.
/// </summary>
public sealed class Notification
{
    /// <summary>The recipient of notifications that concern no customer (low stock).</summary>
    public const string OperationsTeam = "operations";

    public Guid Id { get; init; }

    public Guid? OrderId { get; init; }

    public required string CustomerId { get; init; }

    /// <summary>The event that caused it: <c>OrderConfirmed</c>, <c>OrderRejected</c>, <c>OrderCancelled</c> or <c>StockLow</c>.</summary>
    public required string Kind { get; init; }

    public required string Message { get; init; }

    public DateTime CreatedAt { get; init; }

    public Guid SourceEventId { get; init; }
}
