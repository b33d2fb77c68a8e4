using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
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
    public static readonly string[] Skus = ["SKU-001", "SKU-002", "SKU-003", "SKU-005"];

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
        Directory.Delete(directory, recursive: true);
    }
}
