using System.Security.Cryptography;
using System.Text;

namespace Shop.Messaging.Security;

/// <summary>
/// The least-privilege Redis ACL of a service that runs the bus: its streams' keys, the one channel StackExchange.Redis
/// listens on, and the commands the bus and its connection send — nothing else. The AppHost gives every service such a
/// user, and <c>AclTests</c> runs the bus as one and fails on any refused command, so when the bus starts sending a new
/// command this list must grow in the same change.
/// </summary>
public static class MessagingAcl
{
    /// <summary>
    /// The commands. <c>@connection</c> (HELLO, AUTH, SELECT, CLIENT SETNAME / ID / UNBLOCK, PING, ECHO, WAIT …) without
    /// the CLIENT subcommands that act on other clients or on the whole server; what StackExchange.Redis asks at connect
    /// (INFO, CONFIG GET, CLUSTER NODES / SLOTS, the primary-change channel, the tie-breaker key) and the health check's
    /// CLUSTER INFO; the stream commands; EXISTS, with which a blocking reader finds the node of its stream; the Lua
    /// script that removes idle consumers. Reading through a consumer group writes the group's state, so a consumed
    /// stream needs the same key access as a published one. <c>WAITAOF</c> (<c>Messaging:WaitForAof</c>, Redis 7.2+) is
    /// not named, because a rule naming it does not load on Redis 7.0: add <c>+waitaof</c> where you use it.
    /// </summary>
    public static IReadOnlyList<string> CommandRules { get; } =
    [
        "-@all", "+@connection", "-client|kill", "-client|pause", "-client|unpause", "-client|no-evict", "-client|list",
        "+info", "+config|get", "+subscribe", "+unsubscribe", "+cluster|nodes", "+cluster|slots", "+cluster|info",
        "+xadd", "+xreadgroup", "+xack", "+xautoclaim", "+xclaim", "+xpending", "+xtrim", "+exists",
        "+xinfo|groups", "+xinfo|stream", "+xinfo|consumers", "+xgroup|create", "+xgroup|delconsumer",
        "+evalsha", "+eval", "+script|load",
        // A selector (Redis 7.0+): GET of StackExchange.Redis's tie-breaker key, read at every connect, and of no other key.
        "(%R~__Booksleeve_TieBreak +get)",
    ];

    /// <summary>The key patterns of <paramref name="stream"/>: the stream, or its partitions, and their dead letters.</summary>
    public static IEnumerable<string> KeyPatterns(string stream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        return [$"~{stream}", $"~{stream}:*"];
    }

    /// <summary>
    /// The rules of one service's user, for <c>ACL SETUSER</c> or a <c>user</c> directive (one word each; the server
    /// joins them). The password travels as its SHA-256 (<c>#…</c>), so the rules can sit in a command line or a file
    /// without revealing it.
    /// </summary>
    /// <param name="user">The user's name, e.g. <c>order-service</c>.</param>
    /// <param name="password">The password the service connects with.</param>
    /// <param name="streams">Every stream the service publishes to or consumes.</param>
    public static IReadOnlyList<string> UserRules(string user, string password, IEnumerable<string> streams)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentNullException.ThrowIfNull(streams);
        return
        [
            user, "reset", "on", $"#{PasswordHash(password)}",
            .. streams.Distinct(StringComparer.Ordinal).SelectMany(KeyPatterns),
            "resetchannels", "&__Booksleeve_MasterChanged",
            .. CommandRules,
        ];
    }

    /// <summary>The hex SHA-256 of <paramref name="password"/>, the form Redis keeps passwords in (<c>ACL GETUSER</c> shows it).</summary>
    public static string PasswordHash(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
