using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Reading;

/// <summary>
/// Which streams exist: <c>SCAN … TYPE stream</c> on every primary (on a cluster each node holds its own keys; a scan
/// names no key, so it is no cross-slot command), grouped by stream with the bus's own naming rules. A stream a
/// learner adds (a ShippingService's) appears without any setting. The answer is kept for a second: every live page
/// asks for it twice a second.
/// </summary>
internal sealed class StreamCatalog(IConnectionMultiplexer redis, TimeProvider time)
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _scanning = new(1, 1);
    private (IReadOnlyList<CatalogStream> Streams, DateTimeOffset At)? _last;

    public async Task<IReadOnlyList<CatalogStream>> StreamsAsync(CancellationToken cancellationToken)
    {
        if (_last is { } last && time.GetUtcNow() - last.At < KeptFor)
        {
            return last.Streams;
        }

        await _scanning.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } scanned && time.GetUtcNow() - scanned.At < KeptFor)
            {
                return scanned.Streams;
            }

            var streams = Group(await ScanAsync());
            _last = (streams, time.GetUtcNow());
            return streams;
        }
        finally
        {
            _scanning.Release();
        }
    }

    /// <summary>The stream called <paramref name="name"/>, or null when Redis holds no key of it.</summary>
    public async Task<CatalogStream?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await StreamsAsync(cancellationToken)).FirstOrDefault(stream => stream.Name == name);

    /// <summary>Forgets the last scan, after the console itself added or removed keys.</summary>
    public void Invalidate() => _last = null;

    private async Task<List<string>> ScanAsync()
    {
        var database = redis.GetDatabase().Database;
        var keys = new List<string>();
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            long cursor = 0;
            do
            {
                var reply = (RedisResult[])(await server.ExecuteAsync(database, "SCAN", [cursor, "TYPE", "stream", "COUNT", 1000]))!;
                cursor = (long)reply[0];
                keys.AddRange(((RedisResult[])reply[1]!).Select(key => (string)key!));
            }
            while (cursor != 0);
        }

        return keys;
    }

    private static List<CatalogStream> Group(IEnumerable<string> keys)
    {
        var streams = new SortedDictionary<string, (List<(int? Partition, string Key)> Keys, List<string> DeadLetters)>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            var source = StreamNames.DeadLetterSource(key);
            var deadLetter = source is not null;
            var (name, partition) = StreamNames.Parse(source ?? key);
            if (!streams.TryGetValue(name, out var stream))
            {
                stream = ([], []);
                streams[name] = stream;
            }

            if (deadLetter)
            {
                stream.DeadLetters.Add(key);
            }
            else
            {
                stream.Keys.Add((partition, key));
            }
        }

        return [.. streams.Select(stream => new CatalogStream(
            stream.Key,
            [.. stream.Value.Keys.OrderBy(key => key.Partition ?? -1).Select(key => key.Key)],
            [.. stream.Value.DeadLetters.Order(StringComparer.Ordinal)]))];
    }
}
