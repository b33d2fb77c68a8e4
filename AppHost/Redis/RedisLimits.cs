using Microsoft.Extensions.Configuration;

namespace Shop.AppHost.Redis;

/// <summary>
/// The limits every Redis the AppHost runs starts with. Streams must never be evicted — an evicted stream is every
/// unread event lost without a trace — so memory is bounded with <c>noeviction</c>: at <c>Redis:MaxMemory</c> Redis
/// refuses new writes (<c>OOM command not allowed</c>) and keeps everything it has. What the services do then: the
/// outbox keeps its rows and publishes them once memory is back (its retries), consumers go on reading, handling and
/// acknowledging (XREADGROUP and XACK are allowed), a dead letter waits as a pending entry. One argument of a command is
/// bounded too (<c>proto-max-bulk-len</c>, 4 MB, four times <c>Messaging:MaxEntryBytes</c>): a client cannot make Redis
/// buffer a gigabyte-sized value.
/// </summary>
internal static class RedisLimits
{
    /// <summary>The largest single argument Redis accepts (its own default is 512 MB).</summary>
    public const string MaxArgument = "4mb";

    /// <summary><c>redis-server</c> arguments: <c>--maxmemory</c> (<c>Redis:MaxMemory</c>, default 512mb), <c>noeviction</c>, the argument bound.</summary>
    public static IEnumerable<string> Arguments(IConfiguration configuration)
    {
        var maxMemory = configuration["Redis:MaxMemory"] is { Length: > 0 } configured ? configured : "512mb";
        if (!System.Text.RegularExpressions.Regex.IsMatch(maxMemory, "^[0-9]+(b|kb|mb|gb)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
        {
            throw new DistributedApplicationException($"Redis:MaxMemory must be a size such as 512mb or 2gb, not '{maxMemory}'.");
        }

        return ["--maxmemory", maxMemory, "--maxmemory-policy", "noeviction", "--proto-max-bulk-len", MaxArgument];
    }
}
