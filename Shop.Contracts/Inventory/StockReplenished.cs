using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>A product was restocked.</summary>
public sealed record StockReplenished(string Sku, int Quantity, int Available) : IntegrationEvent
{
    /// <summary>The most units one restock may add (what <c>POST /products/{sku}/restock</c> accepts).</summary>
    public const int MaxQuantity = 1_000_000;

    public override IEnumerable<string> Validate() => new ContractRules()
        .Sku(Sku)
        .Range(Quantity, "quantity", 1, MaxQuantity)
        .Range(Available, "available", 0, int.MaxValue)
        .Problems;
}
