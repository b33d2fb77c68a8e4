using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.InventoryService.Data;
using Shop.InventoryService.Domain;
using Shop.Messaging.EntityFrameworkCore.Outbox;

namespace Shop.InventoryService.Api;

/// <summary>The <c>/products</c> resource.</summary>
internal static class ProductsEndpoints
{
    public static IEndpointRouteBuilder MapProductsEndpoints(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListAsync).WithName("ListProducts");
        products.MapGet("/{sku}", GetAsync).WithName("GetProduct");
        products.MapPost("/{sku}/restock", RestockAsync).WithName("RestockProduct");
        return app;
    }

    private static async Task<Ok<List<ProductResponse>>> ListAsync(InventoryDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Products.AsNoTracking().OrderBy(product => product.Sku)
            .Select(product => ToResponse(product)).ToListAsync(cancellationToken));

    /// <remarks>A malformed SKU is answered 400 by the validation (<see cref="SkuAttribute"/>) before it reaches the database.</remarks>
    private static async Task<Results<Ok<ProductResponse>, NotFound>> GetAsync([Sku] string sku, InventoryDb db, CancellationToken cancellationToken) =>
        await db.Products.AsNoTracking().SingleOrDefaultAsync(product => product.Sku == sku, cancellationToken) is { } product
            ? TypedResults.Ok(ToResponse(product))
            : TypedResults.NotFound();

    private static async Task<Results<Accepted, NotFound>> RestockAsync(
        [Sku] string sku, RestockRequest request, InventoryDb db, IOutbox outbox, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Products.Where(product => product.Sku == sku)
            .ExecuteUpdateAsync(update => update.SetProperty(product => product.Available, product => product.Available + request.Quantity), cancellationToken);
        if (updated == 0)
        {
            return TypedResults.NotFound();
        }

        var available = await db.Products.Where(product => product.Sku == sku).Select(product => product.Available).SingleAsync(cancellationToken);
        outbox.Add(new StockReplenished(sku, request.Quantity, available));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/products/{sku}");
    }

    private static ProductResponse ToResponse(Product product) => new(product.Sku, product.Name, product.Available, product.Reserved);
}
