using Shop.Messaging.Security;

namespace Shop.AppHost.Redis;

/// <summary>
/// One Redis ACL user per service (and one for the streams console), on a Redis the AppHost runs itself: each with a
/// generated password (kept in the AppHost's user secrets) and the rules of <see cref="MessagingAcl"/> — a service may
/// write only the streams it publishes to, and use its group on the streams it consumes; nothing else. The server
/// learns them at start from <c>user</c> directives on its command line, so they exist before any service connects; the
/// directives carry only the passwords' SHA-256. The default user keeps the server's own password, for the AppHost's
/// health checks and privileged steps (<see cref="RedisFunctionsHealthCheck"/>) and for an operator.
/// </summary>
internal sealed class ServiceUsers(IDistributedApplicationBuilder builder, string redisName, ServiceUsers.ConnectionStringForUser connectionString)
{
    /// <summary>How a service names its user in its connection string, on this kind of Redis.</summary>
    public delegate ReferenceExpression ConnectionStringForUser(string user, ParameterResource password);

    private readonly List<(string Name, ParameterResource Password, Func<string, IReadOnlyList<string>> Rules)> _users = [];
    private readonly SortedSet<string> _published = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a service's <paramref name="user"/> with a generated password, allowed to publish to
    /// <paramref name="publishes"/> and to consume <paramref name="consumes"/>; returns the connection string the service uses.
    /// </summary>
    public ReferenceExpression AddService(string user, IReadOnlyList<string> publishes, IReadOnlyList<string> consumes)
    {
        _published.UnionWith(publishes);
        return Add(user, password => MessagingAcl.UserRules(user, password, publishes, consumes));
    }

    /// <summary>
    /// Adds the streams console's <paramref name="user"/>: it reads everything and may replay into every stream a service
    /// publishes to (known once every service is added, which is when Redis starts and asks for the rules).
    /// </summary>
    public ReferenceExpression AddConsole(string user) =>
        Add(user, password => MessagingAcl.ConsoleRules(user, password, _published));

    /// <summary>
    /// <c>--user name rule …</c> for each user, as <c>redis-server</c> arguments. <paramref name="forShell"/>: each word
    /// single-quoted, for a command line that a shell reads (Aspire starts its Redis container through <c>/bin/sh -c</c>).
    /// </summary>
    public async Task AddArgumentsAsync(IList<object> arguments, bool forShell, CancellationToken cancellationToken)
    {
        foreach (var (name, password, rules) in _users)
        {
            var secret = await password.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException($"The password of the Redis user {name} has no value.");
            arguments.Add("--user");
            foreach (var rule in rules(secret))
            {
                // The rules hold no quote of their own (names, key patterns, selectors, #hashes, +commands).
                arguments.Add(forShell ? $"'{rule}'" : rule);
            }
        }
    }

    private ReferenceExpression Add(string user, Func<string, IReadOnlyList<string>> rules)
    {
        var password = builder.AddParameter($"{redisName}-{user}-password",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        _users.Add((user, password.Resource, rules));
        return connectionString(user, password.Resource);
    }
}
