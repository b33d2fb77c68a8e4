using System.Diagnostics;
using System.Globalization;
using Shop.Bench.Harness;
using Shop.Bench.Scenarios;
using Shop.Testing;
using StackExchange.Redis;

// Shop's benchmarks: every scenario and its baseline in the same run, against one redis-server the harness starts
// (persistence off: these figures are about the bus, not the disk). See docs/performance.md.
var settings = BenchSettings.Parse(args);
var payload = new string('x', 200); // ~300-byte entries, the size of a small order event
var total = Stopwatch.StartNew();

using var server = await LocalRedisServer.StartAsync(appendOnly: false);
string redisVersion;
await using (var probe = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
{
    redisVersion = probe.GetServers()[0].Version.ToString();
}

var machine = MachineInfo.Describe(redisVersion);
var report = new BenchReport(machine, settings, new Dictionary<string, string>
{
    ["redis"] = $"redis-server {redisVersion} on loopback, appendonly no, save \"\"",
    ["payload"] = "5 fields (id, type, data, occurredAt, source), data ~250 bytes of JSON",
    ["messaging"] = "defaults: BatchSize 100, MaxConcurrency 1, BlockTimeout 5 s",
    ["throughputCount"] = settings.ThroughputCount.ToString(CultureInfo.InvariantCulture),
    ["latencySeconds"] = settings.LatencySeconds.ToString(CultureInfo.InvariantCulture),
    ["build"] = IsOptimized() ? "Release" : "Debug (figures are not representative)",
});
Console.WriteLine($"Shop benchmarks: {machine}; {(settings.Quick ? "quick" : "full")} run, {settings.Repetitions} repetitions");

async Task Scenario(string name, Func<Task> run)
{
    if (!settings.Runs(name))
    {
        return;
    }

    var watch = Stopwatch.StartNew();
    Console.Write($"  {name}…");
    await run();
    Console.WriteLine($" {watch.Elapsed.TotalSeconds:0} s");
}

await Scenario("publish", () => PublishThroughput.RunAsync(server.ConnectionString, server.Port, settings, report, payload));
await Scenario("drain", () => DrainThroughput.RunAsync(server.ConnectionString, settings, report, payload));
await Scenario("layers", () => LayerCosts.RunAsync(server.ConnectionString, settings, report, payload));
await Scenario("latency", () => DeliveryLatency.RunAsync(server.ConnectionString, settings, report, payload));
await Scenario("outbox", () => Outbox.RunAsync(server.ConnectionString, settings, report, payload));
await Scenario("orders", () => OrderFlow.RunAsync(settings, report));
await Scenario("databases", () => DatabaseScaling.RunAsync(settings, report));
await Scenario("cluster", () => Scaling.RunAsync(server.ConnectionString, settings, report, payload));
await Scenario("replicas", () => Replicas.RunAsync(settings, report, payload));

Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
Console.WriteLine($"Saved {await report.SaveAsync()}; {total.Elapsed.TotalSeconds:0} s in all.");

static bool IsOptimized() =>
    typeof(BenchSettings).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
        .OfType<DebuggableAttribute>().All(attribute => !attribute.IsJITOptimizerDisabled);
