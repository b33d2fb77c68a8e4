using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>What a cancelled order held went back to the shelf.</summary>
public sealed record StockReleased(Guid OrderId, IReadOnlyList<OrderLine> Items) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .Lines(Items, OrderLine.MaxQuantityPerProduct)
        .Problems;
}
