using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shop.Messaging.Telemetry;

/// <summary>
/// The latest pending and lag per (stream, group), read periodically from XINFO GROUPS. Observable gauges
/// report from here, because a gauge callback must not wait on Redis.
/// </summary>
internal sealed class GroupStatistics
{
    private readonly ConcurrentDictionary<(string Stream, string Group), (long Pending, long? Lag)> _latest = new();

    public void Update(string stream, string group, long pending, long? lag) => _latest[(stream, group)] = (pending, lag);

    public IEnumerable<Measurement<long>> Pending() =>
        _latest.Select(item => new Measurement<long>(item.Value.Pending, Tags(item.Key)));

    // XINFO GROUPS reports no lag when Redis cannot compute it (e.g. after an XDEL in the unread range); no lag
    // measurement is better than a wrong one.
    public IEnumerable<Measurement<long>> Lag() =>
        _latest.Where(item => item.Value.Lag.HasValue)
            .Select(item => new Measurement<long>(item.Value.Lag!.Value, Tags(item.Key)));

    private static KeyValuePair<string, object?>[] Tags((string Stream, string Group) key) =>
    [
        new(MessagingTelemetry.DestinationTag, key.Stream),
        new(MessagingTelemetry.ConsumerGroupTag, key.Group),
    ];
}
