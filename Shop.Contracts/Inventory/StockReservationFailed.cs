using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>The order could not be reserved in full, so nothing was reserved.</summary>
public sealed record StockReservationFailed(Guid OrderId, string Reason) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .Text(Reason, "reason", ContractRules.MaxReasonLength)
        .Problems;
}
