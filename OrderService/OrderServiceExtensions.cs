using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
using Shop.OrderService.Api;
using Shop.OrderService.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.ServiceDefaults;

namespace Shop.OrderService;

/// <summary>Everything OrderService needs beyond the service defaults.</summary>
internal static class OrderServiceExtensions
{
    public const string ServiceName = "order-service";

    public static IHostApplicationBuilder AddOrderService(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.AddDbContextPool<OrderDb>(options => options.UseSqlite(builder.SqliteConnectionString("orderdb")));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<OrderDb>>("orderdb");
        builder.AddMessaging(ServiceName)
            .AddShopEvents()
            .Consume(Streams.Inventory)
            .Consume(Streams.Notifications)
            .UseEntityFrameworkStore<OrderDb>(builder.Configuration);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, OrderApiJsonContext.Default));
        builder.Services.AddOpenApi();
        return builder;
    }
}
