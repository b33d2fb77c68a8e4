using Shop.Messaging.Events;

namespace Shop.Contracts.Orders;

/// <summary>A customer placed an order; it waits for its stock to be reserved.</summary>
public sealed record OrderPlaced(Guid OrderId, string CustomerId, IReadOnlyList<OrderLine> Items) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Lines(Items, OrderLine.MaxQuantity)
        .Problems;
}
