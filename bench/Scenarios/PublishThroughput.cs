using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Events per second published with <see cref="InFlight"/> publishes in flight: Shop.Messaging's
/// <see cref="IEventPublisher"/> (serialize, XADD on the shared multiplexer, count) against a raw StackExchange.Redis XADD
/// loop with the same fields and payload, and <c>redis-benchmark</c> XADD (no .NET at all) when it is installed. Rows with
/// telemetry on (every publish traced, and the services' sampler at 50 new traces/s), and the bus and the raw loop
/// against a Redis with AOF on.
/// </summary>
internal static class PublishThroughput
{
    public const string Name = "publish throughput";
    public const string Bus = "Shop.Messaging IEventPublisher";
    public const string BusWithTelemetry = "Shop.Messaging, telemetry on";
    public const string BusWithSampledTelemetry = "Shop.Messaging, telemetry on, 50 new traces/s";
    public const string Raw = "raw StackExchange.Redis XADD";
    public const string RedisBenchmark = "redis-benchmark XADD";
    public const string Durable = "AOF everysec";
    private const int InFlight = 256;

    public static async Task RunAsync(string connectionString, int port, BenchSettings settings, BenchReport report, string payload)
    {
        var count = settings.ThroughputCount;
        using var host = BusHost.Build(connectionString, $"pub-{Guid.NewGuid():N}", consume: false, handled: null);
        using var tracedHost = BusHost.Build(connectionString, $"pub-{Guid.NewGuid():N}", consume: false, handled: null, telemetry: true);
        using var sampledHost = BusHost.Build(connectionString, $"pub-{Guid.NewGuid():N}", consume: false, handled: null, telemetry: true, tracesPerSecond: 50);
        await host.StartAsync();
        await tracedHost.StartAsync();
        await sampledHost.StartAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        var tracedPublisher = tracedHost.Services.GetRequiredService<IEventPublisher>();
        var sampledPublisher = sampledHost.Services.GetRequiredService<IEventPublisher>();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = redis.GetDatabase();

        Task PublishBus(int i) => publisher.PublishAsync(new LatencyProbed(i, 0, payload));
        Task PublishTraced(int i) => tracedPublisher.PublishAsync(new LatencyProbed(i, 0, payload));
        Task PublishSampled(int i) => sampledPublisher.PublishAsync(new LatencyProbed(i, 0, payload));
        var figures = await Alternating.RunAsync(
            settings.Repetitions,
            () => RateAsync(count, PublishBus),
            () => RateAsync(count, PublishTraced),
            () => RateAsync(count, PublishSampled),
            () => RawRateAsync(database, count, payload));

        await host.StopAsync();
        await tracedHost.StopAsync();
        await sampledHost.StopAsync();
        report.Add(Name, Bus, "rate", "events/s", figures[0]);
        report.Add(Name, BusWithTelemetry, "rate", "events/s", figures[1]);
        report.Add(Name, BusWithSampledTelemetry, "rate", "events/s", figures[2]);
        report.Add(Name, Raw, "rate", "events/s", figures[3]);
        if (await RedisBenchmarkAsync(port, count, payload, settings.Repetitions) is { } tool)
        {
            report.Add(Name, RedisBenchmark, "rate", "events/s", tool);
        }

        await DurableAsync(count, settings.Repetitions, report, payload);
        var ratio = report.Compare(Name, "rate", Bus, Raw);
        report.Compare(Name, "rate", BusWithTelemetry, Raw);
        report.Compare(Name, "rate", BusWithSampledTelemetry, Raw);
        report.Compare(Name, "rate", $"{Bus}, {Durable}", $"{Raw}, {Durable}");
        report.Check("publish ≥ 0.9× raw", ratio, "×", "≥ 0.9", ratio >= 0.9);
    }

    /// <summary>
    /// The bus and the raw loop once more against a Redis that appends every write to its AOF and fsyncs it once a
    /// second, like for like with brokers that persist what they accept (the scenario's own Redis keeps nothing).
    /// </summary>
    private static async Task DurableAsync(int count, int repetitions, BenchReport report, string payload)
    {
        using var durable = await LocalRedisServer.StartAsync(appendOnly: true);
        using var host = BusHost.Build(durable.ConnectionString, $"pub-{Guid.NewGuid():N}", consume: false, handled: null);
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(durable.ConnectionString);
        var figures = await Alternating.RunAsync(
            repetitions,
            () => RateAsync(count, i => publisher.PublishAsync(new LatencyProbed(i, 0, payload))),
            () => RawRateAsync(redis.GetDatabase(), count, payload));
        await host.StopAsync();
        report.Add(Name, $"{Bus}, {Durable}", "rate", "events/s", figures[0]);
        report.Add(Name, $"{Raw}, {Durable}", "rate", "events/s", figures[1]);
    }

    /// <summary>The raw XADD loop into a stream of its own, deleted afterwards so that every run starts from an empty one.</summary>
    private static async Task<double> RawRateAsync(IDatabase database, int count, string payload)
    {
        var stream = (RedisKey)$"raw-pub-{Guid.NewGuid():N}";
        var rate = await RateAsync(count, i => database.StreamAddAsync(stream, Fields(i, payload), maxLength: 1_000_000, useApproximateMaxLength: true));
        await database.KeyDeleteAsync(stream);
        return rate;
    }

    /// <summary>The same fields as the bus writes: id, type, data, occurredAt, source.</summary>
    public static NameValueEntry[] Fields(int sequence, string payload) =>
    [
        new(EntryFields.Id, EventIds.NewId().ToString()), // the bus's id generator, so both pay the same for ids
        new(EntryFields.Type, nameof(LatencyProbed)),
        new(EntryFields.Data, $$"""{"sequence":{{sequence}},"sentTimestamp":0,"payload":"{{payload}}"}"""),
        new(EntryFields.OccurredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
        new(EntryFields.Source, "bench"),
    ];

    /// <summary>Sends <paramref name="count"/> in windows of <see cref="InFlight"/>; returns sends per second.</summary>
    public static async Task<double> RateAsync(int count, Func<int, Task> send)
    {
        var started = Stopwatch.GetTimestamp();
        var window = new Task[InFlight];
        var inWindow = 0;
        for (var i = 0; i < count; i++)
        {
            window[inWindow++] = send(i);
            if (inWindow == InFlight)
            {
                await Task.WhenAll(window);
                inWindow = 0;
            }
        }

        await Task.WhenAll(window.AsSpan(0, inWindow));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// <c>redis-benchmark -c 1 -P 256 XADD</c> with the same five fields: Redis's own C client, one connection,
    /// the same number in flight. Null when the tool is not installed.
    /// </summary>
    private static async Task<List<double>?> RedisBenchmarkAsync(int port, int count, string payload, int repetitions)
    {
        if (!File.Exists("/usr/bin/redis-benchmark") && !File.Exists("/usr/local/bin/redis-benchmark"))
        {
            return null;
        }

        var rates = new List<double>();
        for (var run = 0; run < repetitions; run++)
        {
            var start = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
                     {
                         "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-c", "1", "-P", InFlight.ToString(CultureInfo.InvariantCulture),
                         "-n", count.ToString(CultureInfo.InvariantCulture), "--csv",
                         "XADD", $"redis-benchmark-{run}", "MAXLEN", "~", "1000000", "*",
                         EntryFields.Id, Guid.NewGuid().ToString(), EntryFields.Type, nameof(LatencyProbed),
                         EntryFields.Data, $$"""{"sequence":1,"sentTimestamp":0,"payload":"{{payload}}"}""",
                         EntryFields.OccurredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), EntryFields.Source, "bench",
                     })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            // CSV: a header line, then "test","rps","avg_latency_ms","min…","p50…","p95…","p99…","max…"; the test
            // name holds commas of its own, so count from the end.
            var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("\"XADD", StringComparison.Ordinal));
            if (line is null)
            {
                Console.Error.WriteLine($"redis-benchmark gave no figure: {output}");
                return null;
            }

            rates.Add(double.Parse(line.Split(',')[^7].Trim('"'), CultureInfo.InvariantCulture));
        }

        return rates;
    }
}
