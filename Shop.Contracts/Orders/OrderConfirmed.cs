using Shop.Messaging.Events;

namespace Shop.Contracts.Orders;

/// <summary>Every line of the order was reserved.</summary>
public sealed record OrderConfirmed(Guid OrderId, string CustomerId) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Problems;
}
