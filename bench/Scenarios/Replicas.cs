using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Messaging.Publishing;
using Shop.Testing;

namespace Shop.Bench.Scenarios;

/// <summary>
/// What <c>Messaging:MinReplicas 1</c> costs: publish throughput against a primary with one replica (persistence off),
/// waiting for the replica (<c>WAIT 1</c>) or not, through the direct publisher with 256 in flight and through the
/// transactional outbox with 8 writers (whose relay waits once per batch).
/// </summary>
internal static class Replicas
{
    public const string Name = "replicas (Messaging:MinReplicas)";

    public static async Task RunAsync(BenchSettings settings, BenchReport report, string payload)
    {
        using var pair = await LocalRedisReplicaPair.StartAsync(appendOnly: false);
        var connectionString = pair.Primary.ConnectionString;
        foreach (var minReplicas in new[] { 0, 1 })
        {
            var options = new Dictionary<string, string?> { ["Messaging:MinReplicas"] = minReplicas.ToString(CultureInfo.InvariantCulture) };
            var direct = new List<double>();
            using (var host = BusHost.Build(connectionString, $"replicas-{Guid.NewGuid():N}", consume: false, handled: null, settings: options))
            {
                await host.StartAsync();
                var publisher = host.Services.GetRequiredService<IEventPublisher>();
                for (var run = 0; run <= settings.Repetitions; run++)
                {
                    // A tenth of the usual count: with MinReplicas every publish waits for its own WAIT.
                    var rate = await PublishThroughput.RateAsync(settings.ThroughputCount / 10, i => publisher.PublishAsync(new LatencyProbed(i, 0, payload)));
                    if (run > 0)
                    {
                        direct.Add(rate);
                    }
                }

                await host.StopAsync();
            }

            var outbox = new List<double>();
            for (var run = 0; run < settings.Repetitions; run++)
            {
                outbox.Add(await Outbox.SustainedRateAsync(connectionString, options, TimeSpan.FromSeconds(settings.LatencySeconds), payload));
            }

            report.Add(Name, $"MinReplicas {minReplicas}, direct publish", "rate", "events/s", direct);
            report.Add(Name, $"MinReplicas {minReplicas}, outbox 8 writers", "rate", "events/s", outbox);
        }

        report.Compare(Name, "rate", "MinReplicas 1, direct publish", "MinReplicas 0, direct publish");
        report.Compare(Name, "rate", "MinReplicas 1, outbox 8 writers", "MinReplicas 0, outbox 8 writers");
    }
}
