using System.Security.Cryptography;
using System.Text;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.Security;

/// <summary>
/// The least-privilege Redis ACL of a process that runs the bus, and of the streams console: the keys of the streams it
/// publishes to and consumes, the one channel StackExchange.Redis listens on, and the commands it sends — nothing
/// else. No user made here can read the server's configuration (so no password: <c>CONFIG GET requirepass</c> is
/// refused), run code of its own (no <c>EVAL</c>, <c>SCRIPT LOAD</c> or <c>FUNCTION LOAD</c>: only <c>FCALL</c> of what
/// an administrator loaded, see <see cref="Functions.MessagingFunctions"/>), or write another service's stream. The AppHost
/// gives every service such a user; <c>AclTests</c> runs the bus as one, fails on any refused command, and proves the
/// refusals; so when the bus starts sending a new command, this list grows in the same change.
/// </summary>
/// <remarks>
/// Redis 7 selectors (<c>(…)</c>) pair commands with keys: a service may <c>XADD</c> to its own streams, read and
/// acknowledge through its group on the streams it consumes, and <c>XADD</c> to those streams' dead-letter keys — so a
/// service can never forge an event into a stream it only reads.
/// </remarks>
public static class MessagingAcl
{
    /// <summary>
    /// What StackExchange.Redis may send on the bus's connections: everything but <c>CONFIG</c>. It asks
    /// <c>CONFIG GET</c> at every connect (for the server's database count and timeout) when it may; granting that would
    /// let the user read every setting, passwords included, and the client does fine without the answer. Set it on the
    /// shared multiplexer (<c>AddRedisClient("redis", configureOptions: o =&gt; o.CommandMap = MessagingAcl.CommandMap)</c>);
    /// the bus's own connections use it too.
    /// </summary>
    public static CommandMap CommandMap { get; } = CommandMap.Create(["CONFIG"], available: false);

    /// <summary>
    /// Commands that name no key, which every user of the bus needs: <c>@connection</c> (HELLO, AUTH, SELECT, CLIENT
    /// SETNAME / ID / UNBLOCK, PING, ECHO, WAIT …) without the CLIENT subcommands that act on other clients or on the
    /// whole server; what StackExchange.Redis asks at connect (INFO, CLUSTER NODES / SLOTS, the primary-change channel)
    /// and the health check's CLUSTER INFO. <c>WAITAOF</c> (<c>Messaging:WaitForAof</c>, Redis 7.2+) is not named,
    /// because a rule naming it does not load on Redis 7.0: add <c>+waitaof</c> where you use it.
    /// </summary>
    public static IReadOnlyList<string> ConnectionRules { get; } =
    [
        "-@all", "+@connection", "-client|kill", "-client|pause", "-client|unpause", "-client|no-evict", "-client|list",
        "+info", "+subscribe", "+unsubscribe", "+cluster|nodes", "+cluster|slots", "+cluster|info",
    ];

    /// <summary>
    /// On the streams a service publishes to: add entries, trim what every group has acknowledged (which reads the
    /// groups' positions), and EXISTS, with which a publish that waits for replicas finds its node.
    /// </summary>
    public static IReadOnlyList<string> PublishCommands { get; } =
        ["+xadd", "+xtrim", "+xinfo|groups", "+xinfo|stream", "+xpending", "+exists"];

    /// <summary>
    /// On the streams a service consumes: its group's commands (create, read, acknowledge, take over, refresh claims,
    /// pending, statistics), EXISTS, with which a blocking reader finds the node of its stream, and the function that
    /// removes idle consumers. Reading through a group writes the group's state, so these keys need write access too;
    /// but not <c>XADD</c>.
    /// </summary>
    public static IReadOnlyList<string> ConsumeCommands { get; } =
    [
        "+xgroup|create", "+xreadgroup", "+xack", "+xautoclaim", "+xclaim", "+xpending",
        "+xinfo|groups", "+xinfo|consumers", "+xgroup|delconsumer", "+exists", "+fcall",
    ];

    // GET of StackExchange.Redis's tie-breaker key, read at every connect, and of no other key.
    private const string TieBreakerSelector = "(%R~__Booksleeve_TieBreak +get)";

    /// <summary>
    /// The key patterns of <paramref name="stream"/> itself: its own key (one partition) and its partitions'
    /// (<c>orders:{0}</c> …), not its dead letters.
    /// </summary>
    public static IEnumerable<string> StreamKeyPatterns(string stream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        return [$"~{stream}", $"~{StreamNames.Partition(stream, 0).Replace("{0}", "{*}", StringComparison.Ordinal)}"];
    }

    /// <summary>The key patterns of the dead letters of <paramref name="stream"/> and of its partitions.</summary>
    public static IEnumerable<string> DeadLetterKeyPatterns(string stream) =>
        StreamKeyPatterns(stream).Select(StreamNames.DeadLetter);

    /// <summary>
    /// The rules of one service's user, for <c>ACL SETUSER</c> or a <c>user</c> directive (one word each; the server
    /// joins them). The password travels as its SHA-256 (<c>#…</c>), so the rules can sit in a command line or a file
    /// without revealing it.
    /// </summary>
    /// <param name="user">The user's name, e.g. <c>order-service</c>.</param>
    /// <param name="password">The password the service connects with.</param>
    /// <param name="publishes">The streams the service publishes to.</param>
    /// <param name="consumes">The streams the service consumes with its group (and dead-letters into).</param>
    public static IReadOnlyList<string> UserRules(string user, string password, IEnumerable<string> publishes, IEnumerable<string> consumes)
    {
        ArgumentNullException.ThrowIfNull(publishes);
        ArgumentNullException.ThrowIfNull(consumes);
        var published = publishes.Distinct(StringComparer.Ordinal).ToList();
        var consumed = consumes.Distinct(StringComparer.Ordinal).ToList();
        return
        [
            .. Preamble(user, password),
            .. ConnectionRules,
            // The root: the streams it publishes to, with the publishing commands.
            .. published.SelectMany(StreamKeyPatterns), .. published.Count > 0 ? PublishCommands : [],
            .. consumed.Count > 0
                ? new[]
                {
                    Selector(consumed.SelectMany(StreamKeyPatterns), ConsumeCommands),
                    Selector(consumed.SelectMany(DeadLetterKeyPatterns), ["+xadd"]),
                }
                : [],
            TieBreakerSelector,
        ];
    }

    /// <summary>
    /// The rules of the streams console's user: read every key (it finds the streams with <c>SCAN … TYPE stream</c>),
    /// and write only what a replay needs — <c>XADD</c> into one of <paramref name="streams"/> (or its partitions),
    /// <c>XDEL</c> from its dead-letter keys. It has no consumer group and acknowledges nothing.
    /// </summary>
    public static IReadOnlyList<string> ConsoleRules(string user, string password, IEnumerable<string> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var replayable = streams.Distinct(StringComparer.Ordinal).ToList();
        return
        [
            .. Preamble(user, password),
            .. ConnectionRules,
            "%R~*", "+scan", "+xinfo|stream", "+xinfo|groups", "+xinfo|consumers", "+xrange", "+xrevrange", "+xlen", "+xpending",
            .. replayable.Count > 0
                ? new[]
                {
                    Selector(replayable.SelectMany(StreamKeyPatterns), ["+xadd"]),
                    Selector(replayable.SelectMany(DeadLetterKeyPatterns), ["+xdel"]),
                }
                : [],
            TieBreakerSelector,
        ];
    }

    /// <summary>The hex SHA-256 of <paramref name="password"/>, the form Redis keeps passwords in (<c>ACL GETUSER</c> shows it).</summary>
    public static string PasswordHash(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    private static IEnumerable<string> Preamble(string user, string password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        return [user, "reset", "on", $"#{PasswordHash(password)}", "resetchannels", "&__Booksleeve_MasterChanged"];
    }

    // One rule word: Redis reads a selector as one argument, "(~a ~b +x +y)".
    private static string Selector(IEnumerable<string> keyPatterns, IEnumerable<string> commands) =>
        $"({string.Join(' ', keyPatterns.Concat(commands))})";
}
