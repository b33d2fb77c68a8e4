using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shop.Messaging.Publishing;
using Shop.Messaging.Events;
using Shop.Messaging.Retention;
using Shop.Messaging.Telemetry;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.Tests;

/// <summary>Trimming never removes an entry a consumer group has not read, or still holds pending.</summary>
public sealed class RetentionTests(RedisFixture redis)
{
    private const string Kept = "kept";
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entries_a_stopped_group_has_not_read_or_acknowledged_are_kept_and_trimmed_once_it_has()
    {
        var stream = RedisFixture.UniqueName("orders");
        var key = new StreamProbe(redis, stream).KeyFor(Kept); // where every entry of these tests goes
        await redis.Database.StreamCreateConsumerGroupAsync(key, "stopped-service", StreamPosition.Beginning, createStream: true);
        using var host = await StartPublisherAsync(stream);
        var trimmer = host.Services.GetRequiredService<StreamTrimmer>();
        await PublishAsync(host, 300);

        await trimmer.TrimAsync(key);
        Assert.Equal(300, await redis.Database.StreamLengthAsync(key));

        // The group reads 250 and acknowledges the first 100: entries 101–250 are pending, 251–300 unread.
        var read = await redis.Database.StreamReadGroupAsync(key, "stopped-service", "c1", StreamPosition.NewMessages, 250);
        await redis.Database.StreamAcknowledgeAsync(key, "stopped-service", [.. read.Take(100).Select(entry => entry.Id)]);
        await trimmer.TrimAsync(key);
        var remaining = await redis.Database.StreamRangeAsync(key);
        Assert.Contains(remaining, entry => entry.Id == read[100].Id); // the oldest pending entry survives
        Assert.Equal(200, remaining.Count(entry => EntryPosition.Parse(entry.Id)!.Value >= EntryPosition.Parse(read[100].Id)!.Value));

        await redis.Database.StreamAcknowledgeAsync(key, "stopped-service", [.. read.Skip(100).Select(entry => entry.Id)]);
        await redis.Database.StreamReadGroupAsync(key, "stopped-service", "c1", StreamPosition.NewMessages, 100);
        await redis.Database.StreamAcknowledgeAsync(key, "stopped-service",
            [.. (await redis.Database.StreamPendingMessagesAsync(key, "stopped-service", 100, RedisValue.Null)).Select(entry => entry.MessageId)]);
        await trimmer.TrimAsync(key);
        // Approximate trimming removes whole radix-tree nodes (100 entries each by default): at most one node stays.
        Assert.True(await redis.Database.StreamLengthAsync(key) <= 100, "everything read and acknowledged by every group is trimmed");
    }

    [Fact]
    public async Task Safety_valve_dropping_unread_entries_is_counted_and_logged_as_an_error()
    {
        var stream = RedisFixture.UniqueName("orders");
        var key = new StreamProbe(redis, stream).KeyFor(Kept); // where every entry of these tests goes
        await redis.Database.StreamCreateConsumerGroupAsync(key, "stopped-service", StreamPosition.Beginning, createStream: true);
        using var host = await StartPublisherAsync(stream, maxLength: 100);
        using var dropped = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), MessagingTelemetry.MeterName, "shop.messaging.unread_dropped");
        await PublishAsync(host, 1000);
        var length = await redis.Database.StreamLengthAsync(key);

        await host.Services.GetRequiredService<StreamTrimmer>().TrimAsync(key);

        Assert.Equal(1000 - length, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        var error = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), record => record.Level == LogLevel.Error);
        Assert.Contains("stopped-service", error.Message, StringComparison.Ordinal);
        Assert.Contains("Messaging:StreamMaxLength", error.Message, StringComparison.Ordinal);

        // Reported once: the next round finds nothing new lost.
        await host.Services.GetRequiredService<StreamTrimmer>().TrimAsync(key);
        Assert.Equal(1000 - length, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Stream_without_a_consumer_group_is_not_trimmed()
    {
        var stream = RedisFixture.UniqueName("orders");
        var key = new StreamProbe(redis, stream).KeyFor(Kept); // where every entry of these tests goes
        using var host = await StartPublisherAsync(stream);
        await PublishAsync(host, 150);

        await host.Services.GetRequiredService<StreamTrimmer>().TrimAsync(key);

        Assert.Equal(150, await redis.Database.StreamLengthAsync(key));
    }

    // The background loop is parked for a day: the tests trim when they choose to.
    private async Task<IHost> StartPublisherAsync(string stream, long maxLength = 1_000_000)
    {
        var host = TestBus.Build(redis, stream, new HandlerProbe(), consume: false,
            settings: new Dictionary<string, string?> { ["Messaging:TrimInterval"] = "1.00:00:00", ["Messaging:StreamMaxLength"] = $"{maxLength}" },
            configure: builder => builder.Logging.AddFakeLogging());
        await host.StartAsync(_cancellation);
        return host;
    }

    private async Task PublishAsync(IHost host, int count)
    {
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(new ThingHappened(Kept, i), _cancellation);
        }
    }
}
