using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Messaging.Publishing;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Publish and drain throughput of the bus on one redis-server and on a local 3-primary Redis Cluster (no replicas,
/// persistence off like the single server), with every stream in 1, 3 and 6 partitions. Publish: 256 in flight from
/// one host. Drain: one consumer host reading every partition of a pre-filled stream through a fresh group.
/// Baseline: one server, one partition, in the same run.
/// </summary>
internal static class Scaling
{
    public const string Name = "scaling out (partitions, cluster)";
    private static readonly int[] PartitionCounts = [1, 3, 6];

    public static async Task RunAsync(string serverConnectionString, BenchSettings settings, BenchReport report, string payload)
    {
        await using var cluster = await LocalRedisCluster.StartAsync(primaries: 3, replicasEach: 0, appendOnly: false);
        var targets = new (string Label, string ConnectionString)[] { ("1 server", serverConnectionString), ("3-primary cluster", cluster.ConnectionString) };
        var baseline = Variant(targets[0].Label, 1);
        foreach (var (label, connectionString) in targets)
        {
            foreach (var partitions in PartitionCounts)
            {
                var publish = new List<double>();
                var drain = new List<double>();
                // The first repetition warms the JIT and the connections; it is not reported.
                for (var run = 0; run <= settings.Repetitions; run++)
                {
                    var (published, drained) = await PublishThenDrainAsync(connectionString, partitions, settings.ThroughputCount, payload);
                    if (run > 0)
                    {
                        publish.Add(published);
                        drain.Add(drained);
                    }
                }

                var variant = Variant(label, partitions);
                report.Add(Name, variant, "publish", "events/s", publish);
                report.Add(Name, variant, "drain (1 consumer)", "events/s", drain);
                if (variant != baseline)
                {
                    report.Compare(Name, "publish", variant, baseline);
                    report.Compare(Name, "drain (1 consumer)", variant, baseline);
                }
            }
        }
    }

    private static string Variant(string target, int partitions) =>
        string.Create(CultureInfo.InvariantCulture, $"{target}, {partitions} partition{(partitions == 1 ? "" : "s")}");

    private static async Task<(double Published, double Drained)> PublishThenDrainAsync(string connectionString, int partitions, int count, string payload)
    {
        var stream = $"scale-{Guid.NewGuid():N}";
        var partitioned = new Dictionary<string, string?> { ["Messaging:Partitions"] = partitions.ToString(CultureInfo.InvariantCulture) };
        double published;
        using (var producer = BusHost.Build(connectionString, stream, consume: false, handled: null, settings: partitioned))
        {
            await producer.StartAsync();
            var publisher = producer.Services.GetRequiredService<IEventPublisher>();
            published = await PublishThroughput.RateAsync(count, i => publisher.PublishAsync(new LatencyProbed(i, 0, payload)));
            await producer.StopAsync();
        }

        var handled = new LatencyRecorder(count);
        double drained;
        using (var consumer = BusHost.Build(connectionString, stream, consume: true, handled, settings: partitioned))
        {
            await consumer.StartAsync();
            await Wait.UntilAsync(() => handled.Count >= count, TimeSpan.FromMinutes(2), $"{count} entries handled");
            drained = handled.ArrivalRate;
            await consumer.StopAsync();
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var keys = partitions == 1 ? [stream] : Enumerable.Range(0, partitions).Select(partition => $"{stream}:{{{partition}}}");
        // One key per command: a cluster refuses a DEL of keys in different slots.
        await Task.WhenAll(keys.Select(key => redis.GetDatabase().KeyDeleteAsync(key)));
        return (published, drained);
    }
}
