using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.InventoryService.Api;
using Shop.InventoryService.Data;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
using Shop.ServiceDefaults;

namespace Shop.InventoryService;

/// <summary>Everything InventoryService needs beyond the service defaults.</summary>
internal static class InventoryServiceExtensions
{
    public const string ServiceName = "inventory-service";

    public static IHostApplicationBuilder AddInventoryService(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.AddDbContextPool<InventoryDb>(options => options.UseSqlite(builder.SqliteConnectionString("inventorydb")));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<InventoryDb>>("inventorydb");
        builder.AddMessaging(ServiceName)
            .AddShopEvents()
            .Consume(Streams.Orders)
            .UseEntityFrameworkStore<InventoryDb>(builder.Configuration);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ProductApiJsonContext.Default));
        builder.Services.AddOpenApi();
        return builder;
    }
}
