using System.Diagnostics;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Shop.Bench.Harness;
using Shop.Bench.Probes;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using StackExchange.Redis;

namespace Shop.Bench.Scenarios;

/// <summary>
/// What each layer of the bus costs per entry, in process, without Redis: CPU time and bytes allocated on one thread.
/// This is what separates the bus's drain rate from the raw loop's (which parses nothing and dispatches nothing).
/// </summary>
internal static class LayerCosts
{
    public const string Name = "cost per entry of each layer (in process, no Redis)";
    private const int Entries = 1_000;

    public static async Task RunAsync(string connectionString, BenchSettings settings, BenchReport report, string payload)
    {
        var iterations = settings.Quick ? 200_000 : 1_000_000;
        using var host = BusHost.Build(connectionString, "layers", consume: false, new LatencyRecorder(1));
        var services = host.Services;
        var decoder = services.GetRequiredService<EntryDecoder>();
        var invoker = services.GetRequiredService<HandlerInvoker>();
        var serializer = services.GetRequiredService<EventSerializer>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var probe = new LatencyProbed(1, 0, payload);
        // As they come off the wire: byte-backed field names and values.
        var deliveries = Enumerable.Range(0, Entries)
            .Select(i => new Delivery(
                new StreamEntry($"1700000000000-{i}", [.. PublishThroughput.Fields(i, payload).Select(field => new NameValueEntry((byte[])field.Name!, (byte[])field.Value!))]),
                1))
            .ToArray();
        var json = deliveries[0].Entry[EntryFields.Data];

        var layers = new (string Layer, Func<int, ValueTask> Body)[]
        {
            ("new event (id from EventIds)", _ => { GC.KeepAlive(new LatencyProbed(1, 0, payload)); return ValueTask.CompletedTask; }),
            ("serialize for publishing (EventSerializer)", _ => { serializer.Serialize(probe); return ValueTask.CompletedTask; }),
            ("Guid.NewGuid() (the OS's CSPRNG; for comparison)", _ => { Guid.NewGuid(); return ValueTask.CompletedTask; }),
            ("check the entry's fields (EntryEnvelope)", i => { EntryEnvelope.TryParse(deliveries[i % Entries].Entry, 1 << 20, out _); return ValueTask.CompletedTask; }),
            ("deserialize data (System.Text.Json, source-generated)", _ => { JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)json).Span, BenchJsonContext.Default.LatencyProbed); return ValueTask.CompletedTask; }),
            ("DI scope + Mediator publish to a no-op handler", async _ =>
            {
                var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(probe);
                await scope.DisposeAsync();
            }),
            ("whole delivery (EntryDecoder + HandlerInvoker: all of the above + metrics, span check, retries)", async i =>
                await invoker.InvokeAsync("layers", (Decoded.Invoke)await decoder.DecodeAsync("layers", deliveries[i % Entries]), default)),
        };

        foreach (var (layer, body) in layers)
        {
            var micros = new List<double>();
            var bytes = new List<double>();
            await MeasureAsync(body, iterations); // warm-up: tiered JIT
            for (var run = 0; run < settings.Repetitions; run++)
            {
                var (time, allocated) = await MeasureAsync(body, iterations);
                micros.Add(time);
                bytes.Add(allocated);
            }

            report.Add(Name, layer, "time", "µs", micros);
            report.Add(Name, layer, "allocated", "B", bytes);
        }
    }

    private static async Task<(double Micros, double Bytes)> MeasureAsync(Func<int, ValueTask> body, int iterations)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            await body(i);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed.TotalMicroseconds / iterations, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations);
    }
}
