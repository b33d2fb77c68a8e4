using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Events per second drained from a pre-filled stream (read, handled, acknowledged) by 1 and 4 consumers of one group:
/// Shop.Messaging (parse the entry, deserialize its JSON, dispatch a no-op Mediator handler in a DI scope, XACK per
/// batch) against a raw <c>XREADGROUP COUNT 100</c> + <c>XACK</c> loop that does not look inside the entries.
/// Every repetition reads the same entries through a fresh group. Rows with telemetry on (every delivery traced, and
/// the services' sampler at 50 new traces/s), and one consumer of each against a Redis with AOF on.
/// </summary>
internal static class DrainThroughput
{
    public const string Name = "drain throughput";
    public const string Bus = "Shop.Messaging consumer";
    public const string BusWithTelemetry = "Shop.Messaging, telemetry on";
    public const string BusWithSampledTelemetry = "Shop.Messaging, telemetry on, 50 new traces/s";
    public const string Raw = "raw XREADGROUP COUNT 100 + XACK";

    public static async Task RunAsync(string connectionString, BenchSettings settings, BenchReport report, string payload)
    {
        var count = settings.ThroughputCount;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = redis.GetDatabase();
        var stream = $"drain-{Guid.NewGuid():N}";
        await PublishThroughput.RateAsync(count, i => database.StreamAddAsync(stream, PublishThroughput.Fields(i, payload)));

        foreach (var consumers in new[] { 1, 4 })
        {
            var metric = $"{consumers} consumer{(consumers == 1 ? "" : "s")}";
            // The warm-up matters: the JIT's tiered compilation settles only after tens of thousands of entries.
            var figures = await Alternating.RunAsync(
                settings.Repetitions,
                () => BusAsync(connectionString, stream, count, consumers),
                () => BusAsync(connectionString, stream, count, consumers, telemetry: true),
                () => BusAsync(connectionString, stream, count, consumers, telemetry: true, tracesPerSecond: 50),
                () => RawAsync(database, stream, count, consumers));
            report.Add(Name, Bus, metric, "events/s", figures[0]);
            report.Add(Name, BusWithTelemetry, metric, "events/s", figures[1]);
            report.Add(Name, BusWithSampledTelemetry, metric, "events/s", figures[2]);
            report.Add(Name, Raw, metric, "events/s", figures[3]);
            var ratio = report.Compare(Name, metric, Bus, Raw);
            report.Compare(Name, metric, BusWithTelemetry, Raw);
            report.Compare(Name, metric, BusWithSampledTelemetry, Raw);
            if (consumers == 4)
            {
                report.Check("drain ≥ 0.75× raw (4 consumers)", ratio, "×", "≥ 0.75", ratio >= 0.75);
                var rate = report.Get(Name, Bus, metric).Median;
                report.Check("drain ≥ 100k events/s (4 consumers)", rate, "events/s", "≥ 100,000", rate >= 100_000);
            }
            else
            {
                report.Check("drain ≥ 0.75× raw (1 consumer)", ratio, "×", "≥ 0.75", ratio >= 0.75);
            }
        }

        await database.KeyDeleteAsync(stream);
        await DurableAsync(count, settings.Repetitions, report, payload);
    }

    /// <summary>
    /// One consumer of each once more against a Redis with AOF on (<c>appendfsync everysec</c>): XREADGROUP and XACK both
    /// change the group's state, so both are appended.
    /// </summary>
    private static async Task DurableAsync(int count, int repetitions, BenchReport report, string payload)
    {
        using var durable = await LocalRedisServer.StartAsync(appendOnly: true);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(durable.ConnectionString);
        var database = redis.GetDatabase();
        var stream = $"drain-{Guid.NewGuid():N}";
        await PublishThroughput.RateAsync(count, i => database.StreamAddAsync(stream, PublishThroughput.Fields(i, payload)));
        var figures = await Alternating.RunAsync(
            repetitions, () => BusAsync(durable.ConnectionString, stream, count, 1), () => RawAsync(database, stream, count, 1));
        var metric = $"1 consumer, {PublishThroughput.Durable}";
        report.Add(Name, Bus, metric, "events/s", figures[0]);
        report.Add(Name, Raw, metric, "events/s", figures[1]);
        report.Compare(Name, metric, Bus, Raw);
    }

    /// <summary>Timed from the first handled entry to the last one.</summary>
    private static async Task<double> BusAsync(
        string connectionString, string stream, int count, int consumers, bool telemetry = false, double? tracesPerSecond = null)
    {
        var handled = new LatencyRecorder(count);
        var group = $"bus-{Guid.NewGuid():N}";
        var hosts = Enumerable.Range(0, consumers).Select(_ => BusHost.Build(connectionString, stream, consume: true, handled, group, telemetry, tracesPerSecond: tracesPerSecond)).ToList();
        await Task.WhenAll(hosts.Select(host => host.StartAsync()));
        await Wait.UntilAsync(() => handled.Count >= count, TimeSpan.FromMinutes(2), $"{count} entries handled");
        // From the first handled entry to the last: connecting and creating the group are not draining.
        var rate = handled.ArrivalRate;
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        return rate;
    }

    private static async Task<double> RawAsync(IDatabase database, string stream, int count, int consumers)
    {
        var group = $"raw-{Guid.NewGuid():N}";
        await database.StreamCreateConsumerGroupAsync(stream, group, StreamPosition.Beginning);
        var remaining = count;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            while (Volatile.Read(ref remaining) > 0)
            {
                var entries = await database.StreamReadGroupAsync(stream, group, $"raw-{c}", StreamPosition.NewMessages, 100);
                if (entries.Length == 0)
                {
                    continue;
                }

                await database.StreamAcknowledgeAsync(stream, group, [.. entries.Select(entry => entry.Id)]);
                Interlocked.Add(ref remaining, -entries.Length);
            }
        })));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
