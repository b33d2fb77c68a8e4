using Shop.Messaging.Events;

namespace Shop.Contracts.Orders;

/// <summary>The customer cancelled the order; whatever stock it holds, or will hold, goes back.</summary>
public sealed record OrderCancelled(Guid OrderId, string CustomerId) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Problems;
}
