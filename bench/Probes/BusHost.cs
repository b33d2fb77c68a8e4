using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Bench.Harness;
using OpenTelemetry.Trace;
using Shop.Messaging.DependencyInjection;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Bench.Probes;

/// <summary>A host with Shop.Messaging as a service would have it: the Aspire Redis client, the bus, Mediator.</summary>
internal static class BusHost
{
    /// <param name="connectionString">The harness's redis-server.</param>
    /// <param name="stream">The stream the probe event is published to (and consumed from).</param>
    /// <param name="consume">Subscribe to <paramref name="stream"/>.</param>
    /// <param name="handled">Where the handler notes each arrival.</param>
    /// <param name="group">The service name, hence the consumer group.</param>
    /// <param name="telemetry">
    /// Off: the Aspire client's Redis tracing is disabled and nothing listens to the bus's spans and metrics, so the
    /// bus is compared with raw StackExchange.Redis like for like. On: as in the services — every Redis command
    /// profiled, every publish and delivery a span, the bus's instruments recorded (only the export is missing).
    /// </param>
    /// <param name="settings">More configuration, e.g. <c>Messaging:Partitions</c>.</param>
    /// <param name="tracesPerSecond">
    /// With telemetry on: the services' sampler (<see cref="RateLimitedSampler"/>) at this rate; null records every trace.
    /// </param>
    public static IHost Build(
        string connectionString, string stream, bool consume, LatencyRecorder? handled, string group = "bench", bool telemetry = false,
        IDictionary<string, string?>? settings = null, double? tracesPerSecond = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["Messaging:ConsumerName"] = $"bench-{Guid.NewGuid():N}",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddRedisClient("redis", settings => settings.DisableTracing = !telemetry);
        if (telemetry)
        {
            // AddMessaging adds the bus's activity source and meter to whatever OpenTelemetry the host sets up.
            builder.Services.AddOpenTelemetry()
                .WithTracing(tracing =>
                {
                    if (tracesPerSecond is { } rate)
                    {
                        tracing.SetSampler(new ParentBasedSampler(new RateLimitedSampler(rate)));
                    }
                })
                .WithMetrics();
        }

        var messaging = builder.AddMessaging(group).AddEvent(stream, BenchJsonContext.Default.LatencyProbed);
        if (consume)
        {
            messaging.Consume(stream);
        }

        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddSingleton(handled ?? new LatencyRecorder(1));
        return builder.Build();
    }
}
