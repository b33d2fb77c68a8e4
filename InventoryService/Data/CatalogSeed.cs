using Microsoft.EntityFrameworkCore;
using Shop.InventoryService.Domain;

namespace Shop.InventoryService.Data;

/// <summary>The catalog a fresh database starts with, so a new user can order at once.</summary>
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

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDb>();
        if (await db.Products.AnyAsync(cancellationToken))
        {
            return;
        }

        db.Products.AddRange(Products.Select(product => new Product
        {
            Sku = product.Sku, Name = product.Name, Available = product.Available, LowStockThreshold = product.LowStockThreshold,
        }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded the shared database first.
        }
    }
}
