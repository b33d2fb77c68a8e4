namespace Shop.Contracts;

/// <summary>One line of an order: a product and how many of it.</summary>
public sealed record OrderLine(string Sku, int Quantity)
{
    /// <summary>The most units one line of an order may ask for.</summary>
    public const int MaxQuantity = 10_000;

    /// <summary>The most lines an order (and so any event that lists its lines) may have.</summary>
    public const int MaxLinesPerOrder = 100;

    /// <summary>
    /// The most units of one product an order can hold: inventory answers per product, summing the order's lines of one
    /// SKU.
    /// </summary>
    public const int MaxQuantityPerProduct = MaxQuantity * MaxLinesPerOrder;
}
