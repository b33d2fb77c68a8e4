using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Messaging.Connections;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.Sqlite;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// The transactional outbox on SQLite (WAL): a unit of work saves a row and an event in one transaction, and the
/// relay XADDs the event after the commit. Measured: commit → entry in the stream at 200 commits/s (a raw blocking
/// XREAD notes each arrival), and the sustained rate with 8 writers committing as fast as they can.
/// </summary>
internal static class Outbox
{
    public const string Name = "transactional outbox (SQLite WAL)";
    public const string Variant = "SaveChanges + relay";
    private const int LatencyRate = 200;
    private const int Writers = 8;

    public static async Task RunAsync(string connectionString, BenchSettings settings, BenchReport report, string payload)
    {
        var latencies = new List<LatencySummary>();
        var rates = new List<double>();
        var seconds = settings.LatencySeconds;
        for (var run = 0; run < settings.Repetitions; run++)
        {
            await using var store = await OutboxStore.StartAsync(connectionString);
            var latency = await store.CommitAtRateAsync(LatencyRate, LatencyRate * seconds, payload);
            latencies.Add(latency.Summarize(LatencyRate / 2));
            rates.Add(await store.SustainedRateAsync(TimeSpan.FromSeconds(seconds), payload));
        }

        LatencySummary.Report(report, Name, $"{Variant}, commit → in the stream at {LatencyRate}/s", latencies);
        report.Add(Name, $"{Variant}, {Writers} writers flat out", "rate", "events/s", rates);
    }

    /// <summary>The sustained rate of <see cref="Writers"/> writers for <paramref name="duration"/>, with more bus settings.</summary>
    public static async Task<double> SustainedRateAsync(
        string connectionString, IDictionary<string, string?> settings, TimeSpan duration, string payload)
    {
        await using var store = await OutboxStore.StartAsync(connectionString, settings);
        return await store.SustainedRateAsync(duration, payload);
    }

    /// <summary>A host with a SQLite database, the outbox and its relay, and a reader that notes arrivals.</summary>
    private sealed class OutboxStore : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly string _directory;
        private readonly string _stream;
        private readonly ConnectionMultiplexer _reader;
        private readonly ConcurrentDictionary<string, long> _committedAt = new();
        private int _sequence;
        private string _lastSeen = "0-0";

        private OutboxStore(IHost host, string directory, string stream, ConnectionMultiplexer reader)
        {
            _host = host;
            _directory = directory;
            _stream = stream;
            _reader = reader;
        }

        public static async Task<OutboxStore> StartAsync(string connectionString, IDictionary<string, string?>? settings = null)
        {
            var stream = $"outbox-{Guid.NewGuid():N}";
            var directory = Directory.CreateTempSubdirectory("shop-bench-").FullName;
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.AddRedisClient("redis");
            builder.Services.AddDbContext<BenchDb>(options => options.UseSqlite($"Data Source={Path.Combine(directory, "bench.db")}"));
            builder.AddMessaging("bench").AddEvent(stream, BenchJsonContext.Default.LatencyProbed).UseEntityFrameworkStore<BenchDb>(builder.Configuration).UseSqliteTuning();
            builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
            builder.Services.AddSingleton(new LatencyRecorder(1));
            var host = builder.Build();
            using (var scope = host.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<BenchDb>().Database.EnsureCreatedAsync();
            }

            await host.StartAsync();
            return new OutboxStore(host, directory, stream, await ConnectionMultiplexer.ConnectAsync(connectionString));
        }

        public async Task<LatencyRecorder> CommitAtRateAsync(int rate, int count, string payload)
        {
            var latency = new LatencyRecorder(count);
            var arrivals = WatchArrivalsAsync(count, (id, arrived) =>
            {
                // The entry can arrive before SaveChanges has returned to the writer: wait for the writer's note.
                SpinWait.SpinUntil(() => _committedAt.ContainsKey(id));
                latency.Record(_committedAt[id], arrived);
            });
            await Pacer.RunAsync(rate, count, (_, _) => CommitAsync(payload));
            await arrivals.WaitAsync(TimeSpan.FromSeconds(60));
            return latency;
        }

        public async Task<double> SustainedRateAsync(TimeSpan duration, string payload)
        {
            var arrived = 0;
            using var stop = new CancellationTokenSource(duration);
            var started = Stopwatch.GetTimestamp();
            var arrivals = WatchArrivalsAsync(int.MaxValue, (_, _) => Interlocked.Increment(ref arrived), stop.Token);
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await CommitAsync(payload);
                }
            })));
            await arrivals;
            return Volatile.Read(ref arrived) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        private async Task CommitAsync(string payload)
        {
            using var scope = _host.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<BenchDb>();
            var sequence = Interlocked.Increment(ref _sequence);
            var @event = new LatencyProbed(sequence, 0, payload);
            db.Items.Add(new BenchItem { Sequence = sequence });
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(@event);
            await db.SaveChangesAsync();
            _committedAt[@event.Id.ToString()] = Stopwatch.GetTimestamp();
        }

        /// <summary>Reads the stream from where the last watch stopped with a blocking XREAD; calls back per entry.</summary>
        private Task WatchArrivalsAsync(int count, Action<string, long> arrived, CancellationToken stop = default) => Task.Run(async () =>
        {
            var database = _reader.GetDatabase();
            var seen = 0;
            while (seen < count && !stop.IsCancellationRequested)
            {
                var reply = await database.ExecuteAsync("XREAD", "COUNT", 100, "BLOCK", 100, "STREAMS", (RedisKey)_stream, _lastSeen);
                var at = Stopwatch.GetTimestamp();
                foreach (var entry in StreamReadReply.Parse(reply))
                {
                    _lastSeen = entry.Id.ToString();
                    arrived(entry[EntryFields.Id].ToString(), at);
                    seen++;
                }
            }
        });

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
            await _reader.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
