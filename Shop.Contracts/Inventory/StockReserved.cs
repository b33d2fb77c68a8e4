using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>Every line of the order is reserved.</summary>
public sealed record StockReserved(Guid OrderId, IReadOnlyList<OrderLine> Items) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .Lines(Items, OrderLine.MaxQuantityPerProduct)
        .Problems;
}
