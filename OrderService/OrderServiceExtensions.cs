using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Shop.Contracts.Inventory;
using Shop.Contracts.Notifications;
using Shop.Messaging.DependencyInjection;
using Shop.OrderService.Api;
using Shop.OrderService.Data;
using Shop.OrderService.Handlers;
using Shop.OrderService.Saga;
using Shop.ServiceDefaults;

namespace Shop.OrderService;

/// <summary>Everything OrderService needs beyond the service defaults.</summary>
internal static class OrderServiceExtensions
{
    public const string ServiceName = "order-service";

    public static IHostApplicationBuilder AddOrderService(this IHostApplicationBuilder builder)
    {
        builder.AddShopService<OrderDb>(ServiceName, database: "orderdb", OrderApiJsonContext.Default).AddEventBusSubscriptions();
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddOpenApi();
        // The requests' rules (OrderContracts.cs) checked before an endpoint runs: 400 with each broken field named.
        builder.Services.AddValidation();

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

    /// <summary>What OrderService consumes, and which handler handles each event (checked against the handlers at start).</summary>
    private static MessagingBuilder AddEventBusSubscriptions(this MessagingBuilder bus) => bus
        // The saga's answers, from InventoryService.
        .Subscribe<StockReserved, StockReservedHandler>()
        .Subscribe<StockReservationFailed, StockReservationFailedHandler>()
        // The notifications sent close an order's history.
        .Subscribe<CustomerNotified, CustomerNotifiedHandler>();
}
