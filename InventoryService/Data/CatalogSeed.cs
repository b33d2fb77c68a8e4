using Microsoft.EntityFrameworkCore;
using Shop.InventoryService.Domain;

namespace Shop.InventoryService.Data;

/// <summary>
/// The catalog a fresh database starts with, so a new user can order at once. EF Core runs it after the migrations,
/// under the same database lock (<c>UseAsyncSeeding</c>): of several instances that start at once, one seeds and the
/// others find the catalog there, instead of racing to insert it and logging the loser's errors.
/// </summary>
internal static class CatalogSeed
{
    public static readonly IReadOnlyList<Product> Products =
    [
        new() { Sku = "SKU-001", Name = "Espresso beans, 1 kg", Available = 100, LowStockThreshold = 10 },
        new() { Sku = "SKU-002", Name = "Ceramic mug", Available = 50, LowStockThreshold = 5 },
        new() { Sku = "SKU-003", Name = "Pour-over kettle", Available = 25, LowStockThreshold = 5 },
        new() { Sku = "SKU-004", Name = "Hand grinder", Available = 10, LowStockThreshold = 3 },
        new() { Sku = "SKU-005", Name = "Paper filters, 100", Available = 200, LowStockThreshold = 20 },
        new() { Sku = "SKU-006", Name = "Limited-edition tin", Available = 3, LowStockThreshold = 1 },
    ];

    /// <summary>The seeding delegate for <c>UseAsyncSeeding</c>: adds the catalog to a database that has no product yet.</summary>
    public static async Task SeedAsync(DbContext db, bool storeChanged, CancellationToken cancellationToken)
    {
        var products = db.Set<Product>();
        if (await products.AnyAsync(cancellationToken))
        {
            return;
        }

        products.AddRange(Products.Select(product => new Product
        {
            Sku = product.Sku, Name = product.Name, Available = product.Available, LowStockThreshold = product.LowStockThreshold,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }
}
