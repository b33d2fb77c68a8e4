using Shop.Contracts;
using Shop.OrderService.Api;
using Shop.OrderService.Data;
using Shop.ServiceDefaults;

namespace Shop.OrderService;

/// <summary>Everything OrderService needs beyond the service defaults.</summary>
internal static class OrderServiceExtensions
{
    public const string ServiceName = "order-service";

    public static IHostApplicationBuilder AddOrderService(this IHostApplicationBuilder builder)
    {
        // The saga's answers come from InventoryService; the notifications it sent close an order's history.
        builder.AddShopService<OrderDb>(ServiceName, database: "orderdb", OrderApiJsonContext.Default, Streams.Inventory, Streams.Notifications);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddOpenApi();
        return builder;
    }
}
