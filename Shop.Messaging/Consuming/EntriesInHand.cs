using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// The entries this consumer has received and not yet acknowledged or given back. The heartbeat keeps their
/// claims fresh, and the reclaimer leaves them alone, so a slow handler is never run twice at once.
/// </summary>
internal sealed class EntriesInHand
{
    private readonly HashSet<RedisValue> _ids = [];
    private readonly Lock _lock = new();

    public void Add(IEnumerable<RedisValue> ids)
    {
        lock (_lock)
        {
            _ids.UnionWith(ids);
        }
    }

    public void Remove(IEnumerable<RedisValue> ids)
    {
        lock (_lock)
        {
            _ids.ExceptWith(ids);
        }
    }

    public bool Contains(RedisValue id)
    {
        lock (_lock)
        {
            return _ids.Contains(id);
        }
    }

    public RedisValue[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _ids];
        }
    }
}
