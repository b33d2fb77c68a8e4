using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Shop.Messaging.Telemetry;

/// <summary>
/// The latest pending and lag per (key, group), read periodically from XINFO GROUPS; a key is a stream or one of its
/// partitions. Observable gauges report from here, because a gauge callback must not wait on Redis.
/// </summary>
internal sealed class GroupStatistics
{
    private readonly ConcurrentDictionary<(string Key, string Group), (long Pending, long? Lag)> _latest = new();

    public void Update(string key, string group, long pending, long? lag) => _latest[(key, group)] = (pending, lag);

    public IEnumerable<Measurement<long>> Pending() =>
        _latest.Select(item => new Measurement<long>(item.Value.Pending, Tags(item.Key.Key, item.Key.Group)));

    // XINFO GROUPS reports no lag when Redis cannot compute it (e.g. after an XDEL in the unread range); no lag
    // measurement is better than a wrong one.
    public IEnumerable<Measurement<long>> Lag() =>
        _latest.Where(item => item.Value.Lag.HasValue)
            .Select(item => new Measurement<long>(item.Value.Lag!.Value, Tags(item.Key.Key, item.Key.Group)));

    /// <summary>Pending summed over the partitions of each stream: the one number to watch for a partitioned stream.</summary>
    public IEnumerable<Measurement<long>> PendingPerStream() =>
        _latest.GroupBy(item => (Destination.Of(item.Key.Key).Stream, item.Key.Group))
            .Select(stream => new Measurement<long>(stream.Sum(item => item.Value.Pending), StreamTags(stream.Key.Stream, stream.Key.Group)));

    public IEnumerable<Measurement<long>> LagPerStream() =>
        _latest.Where(item => item.Value.Lag.HasValue)
            .GroupBy(item => (Destination.Of(item.Key.Key).Stream, item.Key.Group))
            .Select(stream => new Measurement<long>(stream.Sum(item => item.Value.Lag!.Value), StreamTags(stream.Key.Stream, stream.Key.Group)));

    private static TagList Tags(string key, string group)
    {
        var tags = new TagList();
        Destination.Of(key).AddTo(ref tags);
        tags.Add(MessagingTelemetry.ConsumerGroupTag, group);
        return tags;
    }

    private static TagList StreamTags(string stream, string group) => new()
    {
        { MessagingTelemetry.DestinationTag, stream },
        { MessagingTelemetry.ConsumerGroupTag, group },
    };
}
