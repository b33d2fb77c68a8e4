using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Shop.Contracts;
using Shop.OrderService.Api;
using Shop.OrderService.Data;
using Shop.OrderService.Saga;
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

        // The saga's deadlines: an order never stays pending, even when an event or its answer is lost.
        builder.Services.AddOptions<OrderSagaOptions>().Bind(builder.Configuration.GetSection(OrderSagaOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OrderSagaTelemetry>();
        builder.Services.AddSingleton<OrderDeadlines>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<OrderDeadlines>());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(OrderSagaTelemetry.Name));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(OrderSagaTelemetry.Name));
        return builder;
    }
}
