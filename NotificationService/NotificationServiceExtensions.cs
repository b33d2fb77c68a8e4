using Shop.Contracts;
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
        // A customer hears about their orders and about the stock they wait for.
        builder.AddShopService<NotificationDb>(ServiceName, database: "notificationdb", NotificationApiJsonContext.Default, Streams.Orders, Streams.Inventory);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<NotificationFeed>();
        builder.Services.AddScoped<NotificationWriter>();
        return builder;
    }
}
