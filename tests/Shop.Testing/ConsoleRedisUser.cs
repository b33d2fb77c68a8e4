using Shop.Messaging.Security;
using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>The streams console's Redis user, as the AppHost makes it (<see cref="MessagingAcl.ConsoleRules"/>), for a console run as a process.</summary>
public static class ConsoleRedisUser
{
    public const string Name = "streams-console";

    /// <summary>
    /// Creates the user on the server <paramref name="adminConnectionString"/> names (as its administrator), allowed to
    /// replay into <paramref name="streams"/>; returns the connection string the console connects with.
    /// </summary>
    public static async Task<string> CreateAsync(string adminConnectionString, IEnumerable<string> streams)
    {
        var password = Guid.NewGuid().ToString("N");
        await using var admin = await ConnectionMultiplexer.ConnectAsync(adminConnectionString);
        await admin.GetDatabase().ExecuteAsync("ACL", ["SETUSER", .. MessagingAcl.ConsoleRules(Name, password, streams)]);
        return $"{adminConnectionString},user={Name},password={password}";
    }
}
