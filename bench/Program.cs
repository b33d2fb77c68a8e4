using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Bench;
using Shop.Messaging.Connections;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.Publishing;
using Shop.Testing;
using StackExchange.Redis;

// Publish → handler latency at a fixed rate: Shared.Messaging against a raw blocking XREADGROUP loop, same Redis,
// same run. (The full benchmark harness arrives with the benchmarks issue; this is its first scenario.)
var quick = args.Contains("--quick");
var rate = 1000;
var seconds = quick ? 5 : 20;
var count = rate * seconds;
var warmUp = rate; // the first second
var payload = new string('x', 200);

using var server = await LocalRedisServer.StartAsync(appendOnly: false);
Console.WriteLine($"redis-server on {server.ConnectionString}, {rate} events/s for {seconds} s, {Environment.ProcessorCount} cores");

var raw = await RawBlockingLoopAsync(server.ConnectionString, count, rate, payload);
var bus = await BusAsync(server.ConnectionString, count, rate, payload);
var outboxRate = 200;
var outboxCount = outboxRate * seconds;
var outbox = await OutboxLatency.RunAsync(server.ConnectionString, outboxRate, outboxCount, payload);

var throughputCount = quick ? 20_000 : 100_000;
var publish = await Throughput.PublishAsync(server.ConnectionString, throughputCount, payload);
var drain1 = await Throughput.DrainAsync(server.ConnectionString, throughputCount, 1, payload);
var drain4 = await Throughput.DrainAsync(server.ConnectionString, throughputCount, 4, payload);

Console.WriteLine();
Console.WriteLine("| throughput, events/s | Shared.Messaging | raw StackExchange.Redis | ratio |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var (name, (busRate, rawRate)) in new[] { ("publish, 256 in flight", publish), ("drain, 1 consumer", drain1), ("drain, 4 consumers", drain4) })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {busRate:N0} | {rawRate:N0} | {busRate / rawRate:0.00} |"));
}

Console.WriteLine();
Console.WriteLine("| consumer | events | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, summary) in new[]
         {
             ("raw XREADGROUP BLOCK loop: publish → handler", raw.Summarize(warmUp)),
             ("Shared.Messaging: publish → handler", bus.Summarize(warmUp)),
             ($"outbox at {outboxRate}/s: commit → in the stream", outbox.Summarize(outboxRate)),
         })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {summary.Count} | {summary.P50:0.000} | {summary.P90:0.000} | {summary.P99:0.000} | {summary.P999:0.000} | {summary.Max:0.000} |"));
}

static async Task<Latency> BusAsync(string connectionString, int count, int rate, string payload)
{
    var latency = new Latency(count);
    var stream = $"bench-{Guid.NewGuid():N}";
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString });
    builder.AddRedisClient("redis");
    builder.AddMessaging("bench").AddEvent(stream, BenchJsonContext.Default.LatencyProbed).Consume(stream);
    builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
    builder.Services.AddSingleton(latency);
    using var host = builder.Build();
    await host.StartAsync();
    var publisher = host.Services.GetRequiredService<IEventPublisher>();
    await Pacer.RunAsync(rate, count, (i, sent) => publisher.PublishAsync(new LatencyProbed(i, sent, payload)));
    await WaitForAsync(() => latency.Count >= count);
    await host.StopAsync();
    return latency;
}

static async Task<Latency> RawBlockingLoopAsync(string connectionString, int count, int rate, string payload)
{
    var latency = new Latency(count);
    var stream = $"raw-{Guid.NewGuid():N}";
    await using var shared = await ConnectionMultiplexer.ConnectAsync(connectionString);
    await using var reader = await ConnectionMultiplexer.ConnectAsync(connectionString);
    var database = shared.GetDatabase();
    await database.StreamCreateConsumerGroupAsync(stream, "raw", StreamPosition.Beginning, createStream: true);
    using var stop = new CancellationTokenSource();
    var consumer = Task.Run(async () =>
    {
        var readerDatabase = reader.GetDatabase();
        while (!stop.IsCancellationRequested)
        {
            var reply = await readerDatabase.ExecuteAsync("XREADGROUP", "GROUP", "raw", "c1", "COUNT", 100, "BLOCK", 1000, "STREAMS", (RedisKey)stream, ">");
            if (reply.IsNull)
            {
                continue;
            }

            // The same reply parser as the bus's, so the two consumers differ only in what they do with an entry.
            var entries = StreamReadReply.Parse(reply);
            foreach (var entry in entries)
            {
                latency.Record((long)entry["sent"]);
            }

            await database.StreamAcknowledgeAsync(stream, "raw", [.. entries.Select(entry => entry.Id)]);
        }
    });
    await Pacer.RunAsync(rate, count, (_, sent) => database.StreamAddAsync(stream, [new("sent", sent), new("data", payload)]));
    await WaitForAsync(() => latency.Count >= count);
    await stop.CancelAsync();
    await consumer;
    return latency;
}

static async Task WaitForAsync(Func<bool> condition)
{
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (!condition() && DateTime.UtcNow < deadline)
    {
        await Task.Delay(10);
    }
}
