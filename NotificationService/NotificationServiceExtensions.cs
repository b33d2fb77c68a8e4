using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.Messaging.DependencyInjection;
using Shop.NotificationService.Api;
using Shop.NotificationService.Data;
using Shop.NotificationService.Handlers;
using Shop.NotificationService.Live;
using Shop.ServiceDefaults;

namespace Shop.NotificationService;

/// <summary>Everything NotificationService needs beyond the service defaults.</summary>
internal static class NotificationServiceExtensions
{
    public const string ServiceName = "notification-service";

    public static IHostApplicationBuilder AddNotificationService(this IHostApplicationBuilder builder)
    {
        builder.AddShopService<NotificationDb>(ServiceName, database: "notificationdb", NotificationApiJsonContext.Default).AddEventBusSubscriptions();
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddOpenApi();
        // The queries' rules checked before an endpoint runs: 400 with each broken field named.
        builder.Services.AddValidation();
        builder.Services.AddSingleton<NotificationFeed>();
        builder.Services.AddScoped<NotificationWriter>();
        return builder;
    }

    /// <summary>What NotificationService consumes, and which handler handles each event (checked against the handlers at start).</summary>
    private static MessagingBuilder AddEventBusSubscriptions(this MessagingBuilder bus) => bus
        // A customer hears how their orders end…
        .Subscribe<OrderConfirmed, OrderConfirmedHandler>()
        .Subscribe<OrderRejected, OrderRejectedHandler>()
        .Subscribe<OrderCancelled, OrderCancelledHandler>()
        // …and about the stock they wait for.
        .Subscribe<StockLow, StockLowHandler>();
}
