using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Messaging.Connections;
using Shop.Messaging.Publishing;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Publish → handler latency at a fixed rate, three consumers of the same kind of entry on the same server:
/// Shop.Messaging; a raw loop blocked in <c>XREADGROUP … BLOCK</c> on a connection of its own (the floor a
/// consumer group can reach); and the consumer most tutorials show, which polls <c>XREADGROUP</c> and sleeps
/// (<c>Task.Delay(1)</c>, the most generous setting: it really sleeps a timer tick, ~4 ms here) when nothing came.
/// </summary>
internal static class DeliveryLatency
{
    public const string Bus = "Shop.Messaging";
    public const string RawBlocking = "raw XREADGROUP BLOCK loop";
    public const string NaivePoll = "naive poll + Task.Delay(1)";

    public static string Name(int rate) => $"publish → handler latency at {rate:N0}/s";

    public static async Task RunAsync(string connectionString, BenchSettings settings, BenchReport report, string payload)
    {
        foreach (var rate in new[] { 1_000, 10_000 })
        {
            var seconds = rate == 1_000 ? settings.LatencySeconds : Math.Max(2, settings.LatencySeconds * 2 / 3);
            var count = rate * seconds;
            var warmUp = rate / 2; // the first half second of each repetition
            var variants = new (string Name, Func<string, int, int, string, Task<LatencyRecorder>> Run)[]
            {
                (Bus, BusAsync), (RawBlocking, RawBlockingAsync), (NaivePoll, NaivePollAsync),
            };
            var runs = variants.ToDictionary(variant => variant.Name, _ => new List<LatencySummary>());
            for (var run = 0; run < settings.LatencyRepetitions; run++)
            {
                // Interleaved, so a noisy neighbour on this shared machine hits every variant alike.
                foreach (var (variant, measure) in variants)
                {
                    var latency = await measure(connectionString, rate, count, payload);
                    runs[variant].Add(latency.Summarize(warmUp));
                }
            }

            foreach (var (variant, _) in variants)
            {
                LatencySummary.Report(report, Name(rate), variant, runs[variant]);
            }

            var p99Ratio = report.Compare(Name(rate), "p99", Bus, RawBlocking);
            var naiveRatio = report.Get(Name(rate), NaivePoll, "p99").Median / report.Get(Name(rate), Bus, "p99").Median;
            report.Compare(Name(rate), "p99", NaivePoll, Bus);
            report.Check($"naive poll p99 ÷ Shop.Messaging p99 at {rate:N0}/s", naiveRatio, "×", "≥ 8", naiveRatio >= 8);
            if (rate == 1_000)
            {
                var p50 = report.Get(Name(rate), Bus, "p50").Median;
                var p99 = report.Get(Name(rate), Bus, "p99").Median;
                report.Check("publish → handler p50 at 1,000/s", p50, "ms", "≤ 0.25", p50 <= 0.25);
                report.Check("publish → handler p99 at 1,000/s", p99, "ms", "≤ 1", p99 <= 1);
                report.Check("p99 ÷ raw blocking loop p99 at 1,000/s", p99Ratio, "×", "≤ 1.2", p99Ratio <= 1.2);
            }
        }
    }

    private static async Task<LatencyRecorder> BusAsync(string connectionString, int rate, int count, string payload)
    {
        var latency = new LatencyRecorder(count);
        using var host = BusHost.Build(connectionString, $"lat-{Guid.NewGuid():N}", consume: true, latency);
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        await Pacer.RunAsync(rate, count, (i, sent) => publisher.PublishAsync(new LatencyProbed(i, sent, payload)));
        await Wait.UntilAsync(() => latency.Count >= count, TimeSpan.FromSeconds(30), "every event handled");
        await host.StopAsync();
        return latency;
    }

    private static async Task<LatencyRecorder> RawBlockingAsync(string connectionString, int rate, int count, string payload)
    {
        var stream = (RedisKey)$"raw-{Guid.NewGuid():N}";
        await using var shared = await ConnectionMultiplexer.ConnectAsync(connectionString);
        await using var reader = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = shared.GetDatabase();
        await database.StreamCreateConsumerGroupAsync(stream, "raw", StreamPosition.Beginning, createStream: true);
        return await MeasureAsync(database, stream, rate, count, payload, async () =>
        {
            var reply = await reader.GetDatabase().ExecuteAsync("XREADGROUP", "GROUP", "raw", "c1", "COUNT", 100, "BLOCK", 1000, "STREAMS", stream, ">");
            // The bus's own reply parser, so the two differ only in what they do with an entry.
            return StreamReadReply.Parse(reply);
        });
    }

    private static async Task<LatencyRecorder> NaivePollAsync(string connectionString, int rate, int count, string payload)
    {
        var stream = (RedisKey)$"naive-{Guid.NewGuid():N}";
        await using var shared = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = shared.GetDatabase();
        await database.StreamCreateConsumerGroupAsync(stream, "naive", StreamPosition.Beginning, createStream: true);
        return await MeasureAsync(database, stream, rate, count, payload, async () =>
        {
            var entries = await database.StreamReadGroupAsync(stream, "naive", "c1", StreamPosition.NewMessages, 100);
            if (entries.Length == 0)
            {
                await Task.Delay(1);
            }

            return entries;
        }, group: "naive");
    }

    /// <summary>Publishes raw entries carrying their send time while a consumer loop reads with <paramref name="read"/> and acknowledges.</summary>
    private static async Task<LatencyRecorder> MeasureAsync(
        IDatabase database, RedisKey stream, int rate, int count, string payload, Func<Task<StreamEntry[]>> read, string group = "raw")
    {
        var latency = new LatencyRecorder(count);
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var entries = await read();
                if (entries.Length == 0)
                {
                    continue;
                }

                foreach (var entry in entries)
                {
                    latency.Record((long)entry["sent"]);
                }

                await database.StreamAcknowledgeAsync(stream, group, [.. entries.Select(entry => entry.Id)]);
            }
        });
        // The bus's five fields plus the send time.
        await Pacer.RunAsync(rate, count, (i, sent) => database.StreamAddAsync(stream, [.. PublishThroughput.Fields(i, payload), new("sent", sent)]));
        await Wait.UntilAsync(() => latency.Count >= count, TimeSpan.FromSeconds(30), "every entry handled");
        await stop.CancelAsync();
        await consumer;
        await database.KeyDeleteAsync(stream);
        return latency;
    }
}
