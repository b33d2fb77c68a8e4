using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Bench.Harness;
using Shop.Messaging.Connections;
using Shop.Messaging.Events;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// The whole application: OrderService, InventoryService and NotificationService as real processes (their Release
/// builds, Production settings) against their own redis-server, driven over HTTP. "Confirmed" is the moment the
/// <c>OrderConfirmed</c> entry reaches the <c>orders</c> stream (a blocking XREAD watches it): the order row says
/// Confirmed a moment earlier, in the same transaction that wrote the outbox row. Rates rise until one is no longer
/// sustained; the bench client, Redis and the three services share the machine's cores.
/// </summary>
internal static class OrderFlow
{
    public const string Name = "order flow: POST /orders → Confirmed, three services as processes";
    public const string CpuName = "service CPU during the order flow";
    public const string MemoryName = "service memory";
    private static readonly string[] Skus = ["SKU-001", "SKU-002", "SKU-003", "SKU-005"];

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        using var redis = await LocalRedisServer.StartAsync(appendOnly: false);
        var directory = Directory.CreateTempSubdirectory("shop-bench-orders-").FullName;
        await using var shop = ShopProcesses.Create(redis.ConnectionString, directory);
        await shop.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = shop.Orders.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var inventory = new HttpClient { BaseAddress = shop.Inventory[0].BaseAddress };
        foreach (var sku in Skus)
        {
            // Enough stock that no order of the run is rejected.
            (await inventory.PostAsJsonAsync($"/products/{sku}/restock", new { quantity = 1_000_000 })).EnsureSuccessStatusCode();
        }

        await using var watcher = await ConfirmationWatcher.StartAsync(redis.ConnectionString);
        var driver = new OrderDriver(http, watcher);
        var seconds = settings.OrderFlowSeconds;

        // Warm-up: the services' code is JIT-compiled in tiers as it runs, and until the hot paths are optimized every
        // order costs several times the CPU (measured: 25 orders/s took 1.8 cores after 8 s of warm-up, 0.6 after 40 s).
        await driver.AtRateAsync(50, 50 * settings.OrderFlowWarmUpSeconds);
        await driver.DrainAsync();
        var idle = shop.All.ToDictionary(service => service.Name, service => service.Usage());

        // Open loop at rising rates, each until its orders are all confirmed. A rate is sustained when the pipeline
        // kept up: while the orders went in, confirmations came out at ≥ 90% of the offered rate (the rest are the
        // last orders' latency), and p99 stayed under half a second (a growing backlog pushes it up).
        var sustained = 0;
        foreach (var rate in new[] { 25, 50, 100, 200, 400, 800, 1_600 })
        {
            var runs = new List<LatencySummary>();
            var confirmedRates = new List<double>();
            var cpu = shop.All.ToDictionary(service => service.Name, _ => new List<double>());
            for (var run = 0; run < settings.OrderFlowRepetitions; run++)
            {
                var before = shop.All.ToDictionary(service => service.Name, service => service.Usage());
                var started = Stopwatch.GetTimestamp();
                var (latency, confirmedWhileSending) = await driver.AtRateAsync(rate, rate * seconds);
                var wall = Stopwatch.GetElapsedTime(started);
                confirmedRates.Add(confirmedWhileSending);
                runs.Add(latency.Summarize(0));
                foreach (var service in shop.All)
                {
                    cpu[service.Name].Add((service.Usage().CpuTime - before[service.Name].CpuTime) / wall);
                }

                await driver.DrainAsync();
            }

            var variant = $"{rate} orders/s";
            LatencySummary.Report(report, Name, variant, runs);
            report.Add(Name, variant, "confirmed", "orders/s", confirmedRates);
            foreach (var service in shop.All)
            {
                report.Add(CpuName, service.Name, $"at {rate}/s", "cores", cpu[service.Name]);
            }

            var kept = report.Get(Name, variant, "confirmed").Median >= rate * 0.9 && report.Get(Name, variant, "p99").Median < 500;
            if (!kept)
            {
                break;
            }

            sustained = rate;
        }

        foreach (var service in shop.All)
        {
            var usage = service.Usage();
            report.Add(MemoryName, service.Name, "RSS idle", "MB", [idle[service.Name].ResidentBytes / 1e6]);
            report.Add(MemoryName, service.Name, "private idle", "MB", [idle[service.Name].PrivateBytes / 1e6]);
            report.Add(MemoryName, service.Name, "RSS after the run", "MB", [usage.ResidentBytes / 1e6]);
        }

        var p99 = report.Find(Name, "100 orders/s", "p99")?.Median ?? double.NaN;
        report.Check("order flow p99 at 100 orders/s", p99, "ms", "≤ 25", p99 <= 25);
        report.Check("highest sustained order rate (of 25, 50, 100, 200 …)", sustained, "orders/s", "≥ 1,000", sustained >= 1000);
        var idleMax = idle.Values.Max(usage => usage.ResidentBytes) / 1e6;
        report.Check("idle service RSS (largest of the three)", idleMax, "MB", "≤ 100", idleMax <= 100);

        await shop.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Places orders and matches each accepted order id with its confirmation.</summary>
    private sealed class OrderDriver(HttpClient http, ConfirmationWatcher watcher)
    {
        private int _sequence;

        /// <summary>
        /// Open loop at <paramref name="rate"/>: POST → Confirmed latency of every order, and the rate at which
        /// confirmations arrived while the orders were being sent.
        /// </summary>
        public async Task<(LatencyRecorder Latency, double ConfirmedPerSecond)> AtRateAsync(int rate, int count)
        {
            var latency = new LatencyRecorder(count);
            var pending = new ConcurrentBag<Task>();
            var confirmedBefore = watcher.Confirmed;
            var started = Stopwatch.GetTimestamp();
            await Pacer.RunAsync(rate, count, (_, sent) =>
            {
                pending.Add(PlaceAndAwaitAsync(sent, latency));
                return Task.CompletedTask;
            });
            var confirmed = (watcher.Confirmed - confirmedBefore) / Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(3));
            return (latency, confirmed);
        }

        /// <summary>Waits until every order placed so far is confirmed, so the next rate starts without a backlog.</summary>
        public Task DrainAsync() => Until.TrueAsync(() => watcher.Confirmed >= Volatile.Read(ref _sequence), TimeSpan.FromMinutes(3), "every order confirmed");

        private async Task PlaceAndAwaitAsync(long sent, LatencyRecorder latency)
        {
            var orderId = await PlaceAsync();
            var confirmedAt = await watcher.ConfirmationOf(orderId).WaitAsync(TimeSpan.FromMinutes(1));
            latency.Record(sent, confirmedAt);
        }

        private async Task<Guid> PlaceAsync()
        {
            var sequence = Interlocked.Increment(ref _sequence);
            var order = new { customerId = $"bench-{sequence % 100}", items = new[] { new { sku = Skus[sequence % Skus.Length], quantity = 1 } } };
            using var response = await http.PostAsJsonAsync("/orders", order);
            response.EnsureSuccessStatusCode();
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            return body.RootElement.GetProperty("orderId").GetGuid();
        }
    }

    /// <summary>Watches the <c>orders</c> stream with a blocking XREAD and notes when each OrderConfirmed arrives.</summary>
    private sealed class ConfirmationWatcher : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _redis;
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource<long>> _confirmations = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _confirmed;

        private ConfirmationWatcher(ConnectionMultiplexer redis)
        {
            _redis = redis;
            _loop = Task.Run(WatchAsync);
        }

        public long Confirmed => Interlocked.Read(ref _confirmed);

        public static async Task<ConfirmationWatcher> StartAsync(string connectionString) =>
            new(await ConnectionMultiplexer.ConnectAsync(connectionString));

        public Task<long> ConfirmationOf(Guid orderId) => Completion(orderId).Task;

        private TaskCompletionSource<long> Completion(Guid orderId) =>
            _confirmations.GetOrAdd(orderId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

        private async Task WatchAsync()
        {
            var database = _redis.GetDatabase();
            var last = "$";
            while (!_stop.IsCancellationRequested)
            {
                var reply = await database.ExecuteAsync("XREAD", "COUNT", 500, "BLOCK", 200, "STREAMS", "orders", last);
                var arrived = Stopwatch.GetTimestamp();
                foreach (var entry in StreamReadReply.Parse(reply))
                {
                    last = entry.Id.ToString();
                    if (entry[EntryFields.Type] != "OrderConfirmed")
                    {
                        continue;
                    }

                    using var data = JsonDocument.Parse((string)entry[EntryFields.Data]!);
                    Completion(data.RootElement.GetProperty("orderId").GetGuid()).TrySetResult(arrived);
                    Interlocked.Increment(ref _confirmed);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            await _redis.DisposeAsync();
            _stop.Dispose();
        }
    }
}
