using Microsoft.EntityFrameworkCore;
using Shop.Contracts.Orders;
using Shop.InventoryService.Api;
using Shop.InventoryService.Data;
using Shop.InventoryService.Handlers;
using Shop.Messaging.DependencyInjection;
using Shop.ServiceDefaults;

namespace Shop.InventoryService;

/// <summary>Everything InventoryService needs beyond the service defaults.</summary>
internal static class InventoryServiceExtensions
{
    public const string ServiceName = "inventory-service";

    public static IHostApplicationBuilder AddInventoryService(this IHostApplicationBuilder builder)
    {
        builder.AddShopService<InventoryDb>(ServiceName, database: "inventorydb", ProductApiJsonContext.Default).AddEventBusSubscriptions();
        builder.Services.ConfigureDbContext<InventoryDb>(options => options.UseAsyncSeeding(CatalogSeed.SeedAsync));
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddScoped<ReservationRelease>();
        builder.Services.AddOpenApi();
        // The requests' rules ([Sku], ProductContracts.cs) checked before an endpoint runs: 400 with each broken field named.
        builder.Services.AddValidation();
        return builder;
    }

    /// <summary>What InventoryService consumes, and which handler handles each event (checked against the handlers at start).</summary>
    private static MessagingBuilder AddEventBusSubscriptions(this MessagingBuilder bus) => bus
        // Orders ask for stock, and give it back when they end without it; nothing else concerns the inventory.
        .Subscribe<OrderPlaced, OrderPlacedHandler>()
        .Subscribe<OrderCancelled, OrderCancelledHandler>()
        .Subscribe<StockReleaseRequested, StockReleaseRequestedHandler>();
}
