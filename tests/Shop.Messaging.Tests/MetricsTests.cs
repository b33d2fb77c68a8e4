using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Shop.Messaging.Publishing;
using Shop.Messaging.Telemetry;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class MetricsTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Counters_histograms_and_gauges_report_per_stream_and_group()
    {
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        var settings = new Dictionary<string, string?> { ["Messaging:StatsInterval"] = "00:00:00.050" };
        using var host = await TestBus.Build(redis, stream, probe, settings: settings).StartedAsync();
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var published = new MetricCollector<long>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.published");
        using var consumed = new MetricCollector<long>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.consumed");
        using var skipped = new MetricCollector<long>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.skipped");
        using var duration = new MetricCollector<double>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.handler.duration");
        using var latency = new MetricCollector<double>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.delivery.latency");
        using var pending = new MetricCollector<long>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.pending");
        using var lag = new MetricCollector<long>(meterFactory, MessagingTelemetry.MeterName, "shop.messaging.lag");

        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync(new ThingHappened("counted", i), TestContext.Current.CancellationToken);
        }

        await new StreamProbe(redis, stream).AddRawAsync(type: "NobodyCares", data: """{"note":"x"}""");
        await Wait.UntilAsync(() => consumed.GetMeasurementSnapshot().Count == 3 && skipped.GetMeasurementSnapshot().Count == 1,
            Timeout, "three consumed and one skipped");

        Assert.Equal(3, published.GetMeasurementSnapshot().EvaluateAsCounter());
        var measurement = consumed.GetMeasurementSnapshot()[0];
        Assert.Equal(stream, measurement.Tags["messaging.destination.name"]);
        Assert.Equal("test-service", measurement.Tags["messaging.consumer.group.name"]);
        Assert.Equal(3, duration.GetMeasurementSnapshot().Count);
        Assert.Equal(3, latency.GetMeasurementSnapshot().Count);
        Assert.All(latency.GetMeasurementSnapshot(), value => Assert.InRange(value.Value, 0, Timeout.TotalSeconds));

        // Gauges report what XINFO GROUPS said at the last statistics tick: everything acknowledged, nothing unread.
        await Wait.UntilAsync(() =>
        {
            pending.RecordObservableInstruments();
            lag.RecordObservableInstruments();
            return pending.LastMeasurement is { Value: 0 } p && Equals(p.Tags["messaging.destination.name"], stream)
                   && lag.LastMeasurement is { Value: 0 };
        }, Timeout, "pending and lag gauges at zero");
    }
}
