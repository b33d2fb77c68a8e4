using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Shop.Messaging.Configuration;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;
using Shop.Messaging.Partitioning;
using Shop.Messaging.Publishing;
using Shop.Messaging.Replication;
using Shop.Messaging.Retention;
using Shop.Messaging.Telemetry;

namespace Shop.Messaging.DependencyInjection;

/// <summary>Adds the Redis Streams event bus to a host.</summary>
public static class MessagingHostBuilderExtensions
{
    /// <summary>
    /// Adds the bus for the service <paramref name="serviceName"/> (its consumer group and its <c>source</c>),
    /// with <see cref="MessagingOptions"/> bound from the <c>Messaging</c> section and validated at start.
    /// Needs an <c>IConnectionMultiplexer</c> (e.g. Aspire's <c>AddRedisClient("redis")</c>) and Mediator
    /// (<c>AddMediator()</c>, in the project that holds the handlers). Registers its meter and activity source with
    /// OpenTelemetry, and a <see cref="TimeProvider"/> (the system's) unless one is registered.
    /// </summary>
    public static MessagingBuilder AddMessaging(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MessagingOptions>()
            .Configure(options => options.ServiceName = serviceName)
            .Bind(builder.Configuration.GetSection(MessagingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddMetrics();
        // The bus's own meter and spans join whatever OpenTelemetry the host sets up (ServiceDefaults, or none at all).
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(MessagingTelemetry.MeterName));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(MessagingTelemetry.ActivitySourceName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => ConsumerIdentity.From(
            provider.GetRequiredService<IOptions<MessagingOptions>>().Value, Environment.GetEnvironmentVariable));
        services.TryAddSingleton<EventCatalog>();
        services.TryAddSingleton<StreamPartitioner>();
        services.TryAddSingleton<EventSerializer>();
        services.TryAddSingleton<GroupStatistics>();
        services.TryAddSingleton<MessagingMetrics>();
        services.TryAddSingleton<ReplicaConfirmation>();
        services.TryAddSingleton<IStreamPublisher, RedisStreamPublisher>();
        services.TryAddSingleton<IEventPublisher, EventPublisher>();
        services.TryAddSingleton<HandlerRegistry>();
        services.TryAddSingleton<DeadLetterWriter>();
        services.TryAddSingleton<DeliveryTelemetry>();
        services.TryAddSingleton<EntryDecoder>();
        services.TryAddSingleton<HandlerInvoker>();
        services.TryAddSingleton<BatchInvoker>();
        services.TryAddScoped<DeliveryContext>();
        services.AddHostedService<MessagingHostedService>();
        services.TryAddSingleton<PublishedStreams>();
        services.TryAddSingleton<StreamTrimmer>();
        services.AddHostedService(provider => provider.GetRequiredService<StreamTrimmer>());
        return new MessagingBuilder(services);
    }
}
