using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>A product's available stock fell below its threshold: the operations team should restock.</summary>
public sealed record StockLow(string Sku, int Available, int Threshold) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Sku(Sku)
        .Range(Available, "available", 0, int.MaxValue)
        .Range(Threshold, "threshold", 0, int.MaxValue)
        .Problems;
}
