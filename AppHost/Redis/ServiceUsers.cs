using Shop.Messaging.Security;

namespace Shop.AppHost.Redis;

/// <summary>
/// One Redis ACL user per service, on a Redis the AppHost runs itself: each with a generated password (kept in the
/// AppHost's user secrets) and access to the streams it publishes to or consumes, nothing else
/// (<see cref="MessagingAcl"/>). The server learns them at start from <c>user</c> directives on its command line, so
/// they exist before any service connects; the directives carry only the passwords' SHA-256. The default user keeps
/// the server's own password, for the AppHost's health checks and for an operator.
/// </summary>
internal sealed class ServiceUsers(IDistributedApplicationBuilder builder, string redisName, ServiceUsers.ConnectionStringForUser connectionString)
{
    /// <summary>How a service names its user in its connection string, on this kind of Redis.</summary>
    public delegate ReferenceExpression ConnectionStringForUser(string user, ParameterResource password);

    private readonly List<(string Name, IReadOnlyList<string> Streams, ParameterResource Password)> _users = [];

    /// <summary>Adds <paramref name="user"/> with a generated password and returns the connection string the service uses.</summary>
    public ReferenceExpression Add(string user, IReadOnlyList<string> streams)
    {
        var password = builder.AddParameter($"{redisName}-{user}-password",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        _users.Add((user, streams, password.Resource));
        return connectionString(user, password.Resource);
    }

    /// <summary>
    /// <c>--user name rule …</c> for each user, as <c>redis-server</c> arguments. <paramref name="forShell"/>: each word
    /// single-quoted, for a command line that a shell reads (Aspire starts its Redis container through <c>/bin/sh -c</c>).
    /// </summary>
    public async Task AddArgumentsAsync(IList<object> arguments, bool forShell, CancellationToken cancellationToken)
    {
        foreach (var (name, streams, password) in _users)
        {
            var secret = await password.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException($"The password of the Redis user {name} has no value.");
            arguments.Add("--user");
            foreach (var rule in MessagingAcl.UserRules(name, secret, streams))
            {
                // The rules hold no quote of their own (names, key patterns, #hashes, +commands).
                arguments.Add(forShell ? $"'{rule}'" : rule);
            }
        }
    }
}
