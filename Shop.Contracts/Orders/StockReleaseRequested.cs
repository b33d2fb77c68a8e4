using Shop.Messaging.Events;

namespace Shop.Contracts.Orders;

/// <summary>
/// The order will not use the stock reserved for it (it was rejected or cancelled before or after inventory answered):
/// whatever it holds, now or after a late reservation, goes back. Not a customer-facing outcome: nobody is notified.
/// </summary>
public sealed record StockReleaseRequested(Guid OrderId, string Reason) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .Text(Reason, "reason", ContractRules.MaxReasonLength)
        .Problems;
}
