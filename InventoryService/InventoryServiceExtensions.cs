using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.InventoryService.Api;
using Shop.InventoryService.Data;
using Shop.InventoryService.Handlers;
using Shop.ServiceDefaults;

namespace Shop.InventoryService;

/// <summary>Everything InventoryService needs beyond the service defaults.</summary>
internal static class InventoryServiceExtensions
{
    public const string ServiceName = "inventory-service";

    public static IHostApplicationBuilder AddInventoryService(this IHostApplicationBuilder builder)
    {
        // Orders ask for stock; nothing else concerns the inventory.
        builder.AddShopService<InventoryDb>(ServiceName, database: "inventorydb", ProductApiJsonContext.Default, Streams.Orders);
        builder.Services.ConfigureDbContext<InventoryDb>(options => options.UseAsyncSeeding(CatalogSeed.SeedAsync));
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddScoped<ReservationRelease>();
        builder.Services.AddOpenApi();
        return builder;
    }
}
