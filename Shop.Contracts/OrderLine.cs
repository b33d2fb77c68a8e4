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

    /// <summary>
    /// One line per product, its units summed, in the order each product first appears: what <c>OrderPlaced</c> carries
    /// since version 2, whatever split into lines the customer sent.
    /// </summary>
    public static IReadOnlyList<OrderLine> PerProduct(IEnumerable<OrderLine> lines) =>
        [.. lines.GroupBy(line => line.Sku, StringComparer.Ordinal).Select(product => new OrderLine(product.Key, product.Sum(line => line.Quantity)))];
}
