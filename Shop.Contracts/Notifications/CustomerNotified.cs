using Shop.Messaging.Events;

namespace Shop.Contracts.Notifications;

/// <summary>A notification was made: for a customer about an order's outcome, or for operations about low stock.</summary>
public sealed record CustomerNotified(Guid NotificationId, Guid? OrderId, string CustomerId, string Kind, Guid SourceEventId) : IntegrationEvent
{
    /// <summary>The longest <see cref="Kind"/>: an event type's name.</summary>
    public const int MaxKindLength = 40;

    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(NotificationId, "notificationId")
        .OptionalId(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Text(Kind, "kind", MaxKindLength)
        .Id(SourceEventId, "sourceEventId")
        .Problems;
}
