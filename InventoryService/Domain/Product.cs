namespace Shop.InventoryService.Domain;

/// <summary>
/// A product on the shelf. <see cref="Available"/> can be reserved; <see cref="Reserved"/> is held by confirmed
/// orders. Both change only through conditional updates, so <see cref="Available"/> never goes below zero however
/// many instances reserve at once.
/// </summary>
public sealed class Product
{
    public required string Sku { get; init; }

    public required string Name { get; init; }

    public int Available { get; set; }

    public int Reserved { get; set; }

    /// <summary>Falling below this many available units raises <c>StockLow</c>.</summary>
    public int LowStockThreshold { get; init; }

    /// <summary>True when taking <paramref name="taken"/> units moved the stock from at or above the threshold to below it.</summary>
    public static bool CrossedLowStock(int availableAfter, int taken, int threshold) =>
        availableAfter < threshold && availableAfter + taken >= threshold;
}
