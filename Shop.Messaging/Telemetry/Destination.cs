using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Shop.Messaging.Events;

namespace Shop.Messaging.Telemetry;

/// <summary>
/// A key as telemetry names it: the stream (<c>messaging.destination.name</c>) and, for a partition, its index
/// (<c>messaging.destination.partition.id</c>), so dashboards show one stream and can still tell its partitions apart.
/// </summary>
/// <param name="Stream">The stream's name, <c>orders</c> for <c>orders:{2}</c> too.</param>
/// <param name="Partition">The partition's index as text, or null for an unpartitioned stream.</param>
internal sealed record Destination(string Stream, string? Partition)
{
    // A process knows a handful of keys, and every handled entry asks for its key's destination.
    private static readonly ConcurrentDictionary<string, Destination> Known = new(StringComparer.Ordinal);

    public static Destination Of(string key) => Known.GetOrAdd(key, static key =>
    {
        var (stream, partition) = StreamNames.Parse(key);
        return new Destination(stream, partition?.ToString(CultureInfo.InvariantCulture));
    });

    /// <summary>The producer span's name, made once per key rather than at every publish.</summary>
    public string PublishSpanName { get; } = $"publish {Stream}";

    /// <summary>The consumer span's name, made once per key rather than at every delivery.</summary>
    public string ProcessSpanName { get; } = $"process {Stream}";

    public void AddTo(ref TagList tags)
    {
        tags.Add(MessagingTelemetry.DestinationTag, Stream);
        if (Partition is not null)
        {
            tags.Add(MessagingTelemetry.PartitionTag, Partition);
        }
    }

    public void AddTo(Activity activity)
    {
        activity.SetTag(MessagingTelemetry.DestinationTag, Stream);
        if (Partition is not null)
        {
            activity.SetTag(MessagingTelemetry.PartitionTag, Partition);
        }
    }
}
