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

    private static async Task<Results<Ok<ProductResponse>, NotFound, ValidationProblem>> GetAsync(string sku, InventoryDb db, CancellationToken cancellationToken)
    {
        if (InvalidSku(sku) is { } invalid)
        {
            return invalid;
        }

        return await db.Products.AsNoTracking().SingleOrDefaultAsync(product => product.Sku == sku, cancellationToken) is { } product
            ? TypedResults.Ok(ToResponse(product))
            : TypedResults.NotFound();
    }

    /// <summary>A malformed SKU is answered 400 before it reaches the database.</summary>
    private static ValidationProblem? InvalidSku(string sku) =>
        Identifiers.IsSku(sku)
            ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sku"] = [Identifiers.InvalidSku] });

    private static async Task<Results<Accepted, NotFound, ValidationProblem>> RestockAsync(
        string sku, RestockRequest request, InventoryDb db, IOutbox outbox, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (InvalidSku(sku) is { } invalid)
        {
            return invalid;
        }

        if (request.Quantity is < 1 or > StockReplenished.MaxQuantity)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["quantity"] = [$"A restock quantity is between 1 and {StockReplenished.MaxQuantity}."],
            });
        }

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
