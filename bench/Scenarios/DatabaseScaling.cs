using System.Net.Http.Json;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Testing;

namespace Shop.Bench.Scenarios;

/// <summary>
/// The order flow on each database, in the same run: SQLite (the default: one file per service, one writer at a time),
/// PostgreSQL with one instance of every service, and PostgreSQL with two. Each variant gets a fresh redis-server, a fresh
/// PostgreSQL server of the bench's own where it needs one (on loopback; its settings are PostgreSQL's defaults but for
/// <c>fsync=off</c> and <c>full_page_writes=off</c>, like the Redis here, which runs without persistence: the figures
/// are about the data path, not the disk), and fresh service processes. CPU per order counts the services and the
/// database server (SQLite runs inside the services). On this machine everything shares two cores, so a second instance
/// of every service adds no CPU, only processes competing for it: the figures show what instances cost and what the
/// database costs, not what separate machines would give.
/// </summary>
internal static class DatabaseScaling
{
    public const string Name = "order flow per database: POST /orders → Confirmed";
    private static readonly int[] Rates = [100, 200, 400, 600, 800];

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        foreach (var (database, instances) in new[] { ("SQLite", 1), ("PostgreSQL", 1), ("PostgreSQL", 2) })
        {
            await RunVariantAsync(settings, report, database, instances);
        }

        foreach (var metric in new[] { "p99", "CPU per order" })
        {
            report.Compare(Name, metric, Variant("PostgreSQL", 1, 100), Variant("SQLite", 1, 100));
        }
    }

    private static string Variant(string database, int instances, int rate) =>
        $"{database}, {instances} instance{(instances == 1 ? "" : "s")} per service, {rate} orders/s";

    private static async Task RunVariantAsync(BenchSettings settings, BenchReport report, string database, int instances)
    {
        using var redis = await LocalRedisServer.StartAsync(appendOnly: false);
        var directory = Directory.CreateTempSubdirectory("shop-bench-databases-").FullName;
        await using var postgres = database == "PostgreSQL" ? await LocalPostgresServer.StartAsync() : null;
        Func<string, string>? databases = postgres is null ? null : name => PostgresDatabases.Create(postgres.AdminConnectionString, name);
        await using var shop = ShopProcesses.Create(redis.ConnectionString, directory, inventoryInstances: instances,
            orderInstances: instances, notificationInstances: instances, databases: databases);
        await shop.StartAsync();
        var clients = shop.OrderInstances.Select(instance => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
        {
            BaseAddress = instance.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        }).ToList();
        using var inventory = new HttpClient { BaseAddress = shop.Inventory[0].BaseAddress };
        foreach (var sku in OrderFlow.Skus)
        {
            (await inventory.PostAsJsonAsync($"/products/{sku}/restock", new { quantity = 1_000_000 })).EnsureSuccessStatusCode();
        }

        await using var watcher = await ConfirmationWatcher.StartAsync(redis.ConnectionString);
        var driver = new OrderDriver(clients, watcher);
        // Warm-up, as in the order flow: until the JIT has optimized the hot paths every order costs several times the CPU.
        await driver.AtRateAsync(50, 50 * settings.OrderFlowWarmUpSeconds);
        await driver.DrainAsync();

        TimeSpan CpuNow() => shop.All.Aggregate(postgres?.CpuTime() ?? TimeSpan.Zero, (sum, service) => sum + service.Usage().CpuTime);
        var seconds = settings.OrderFlowSeconds;
        foreach (var rate in Rates)
        {
            var variant = Variant(database, instances, rate);
            var runs = new List<LatencySummary>();
            var confirmed = new List<double>();
            var cpuPerOrder = new List<double>();
            for (var run = 0; run < settings.OrderFlowRepetitions; run++)
            {
                var cpuBefore = CpuNow();
                var (latency, confirmedWhileSending) = await driver.AtRateAsync(rate, rate * seconds);
                cpuPerOrder.Add((CpuNow() - cpuBefore).TotalMilliseconds / (rate * seconds));
                confirmed.Add(confirmedWhileSending);
                runs.Add(latency.Summarize(0));
                await driver.DrainAsync();
            }

            LatencySummary.Report(report, Name, variant, runs);
            report.Add(Name, variant, "confirmed", "orders/s", confirmed);
            report.Add(Name, variant, "CPU per order", "ms", cpuPerOrder);
            // Sustained as in the order flow: confirmations kept up (≥ 95 % of offered) and p99 stayed under half a second.
            if (report.Get(Name, variant, "confirmed").Median < rate * 0.95 || report.Get(Name, variant, "p99").Median >= 500)
            {
                break;
            }
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        await shop.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}
