using StackExchange.Redis;

namespace Shop.Messaging.Replication;

/// <summary>
/// Fewer replicas confirmed a publish than <see cref="Configuration.MessagingOptions.MinReplicas"/> within
/// <see cref="Configuration.MessagingOptions.ReplicaTimeout"/>: the entry is on the primary, but a failover now could
/// lose it, so the publish does not count as done. A <see cref="RedisException"/>, so everything that retries Redis
/// failures (the outbox relay) retries this one too.
/// </summary>
public sealed class ReplicationShortfallException : RedisException
{
    public ReplicationShortfallException()
        : base("Fewer replicas than required confirmed the publish.")
    {
    }

    public ReplicationShortfallException(string message)
        : base(message)
    {
    }

    public ReplicationShortfallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ReplicationShortfallException(string server, long confirmed, int required, TimeSpan timeout)
        : base($"{confirmed} of {required} required replicas of {server} confirmed the publish within {timeout.TotalMilliseconds:0} ms.")
    {
        Server = server;
        Confirmed = confirmed;
        Required = required;
    }

    /// <summary>The primary the entries were written to.</summary>
    public string Server { get; } = "";

    /// <summary>How many replicas confirmed.</summary>
    public long Confirmed { get; }

    /// <summary>How many had to (<see cref="Configuration.MessagingOptions.MinReplicas"/>).</summary>
    public int Required { get; }
}
