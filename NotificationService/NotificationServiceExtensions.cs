using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
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
        builder.AddRedisClient("redis");
        builder.Services.AddDbContextPool<NotificationDb>(options => options.UseSqlite(builder.SqliteConnectionString("notificationdb")));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<NotificationDb>>("notificationdb");
        builder.AddMessaging(ServiceName)
            .AddShopEvents()
            .Consume(Streams.Orders)
            .Consume(Streams.Inventory)
            .UseEntityFrameworkStore<NotificationDb>(builder.Configuration);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NotificationFeed>();
        builder.Services.AddScoped<NotificationWriter>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, NotificationApiJsonContext.Default));
        builder.Services.AddOpenApi();
        return builder;
    }
}
