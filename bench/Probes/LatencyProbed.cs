using System.Text.Json.Serialization;
using Mediator;
using Shop.Bench.Harness;
using Shop.Messaging.Events;

namespace Shop.Bench.Probes;

/// <summary>The benchmark's event: a sequence number, the sender's Stopwatch timestamp, and a payload the size of an order.</summary>
public sealed record LatencyProbed(int Sequence, long SentTimestamp, string Payload) : IntegrationEvent;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LatencyProbed))]
public sealed partial class BenchJsonContext : JsonSerializerContext;

/// <summary>The no-op handler: notes when the event arrived, nothing else.</summary>
internal sealed class LatencyProbedHandler(LatencyRecorder latency) : INotificationHandler<LatencyProbed>
{
    public ValueTask Handle(LatencyProbed notification, CancellationToken cancellationToken)
    {
        latency.Record(notification.SentTimestamp);
        return ValueTask.CompletedTask;
    }
}
