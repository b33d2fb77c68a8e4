using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>Sends commands as a Redis user to see what its ACL lets through, the way a curious or hostile client would.</summary>
public static class AclProbe
{
    /// <summary>The probe's client name, as <c>ACL LOG</c> shows it beside each refusal.</summary>
    public const string ClientName = "acl-probe";

    /// <summary>
    /// A connection as <paramref name="user"/> that sends whatever it is asked to (admin commands too): the server's ACL,
    /// not the client, is what decides. Its name shows in <c>ACL LOG</c> (<see cref="ClientName"/>).
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, string? user = null, string? password = null)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        if (user is not null)
        {
            (options.User, options.Password) = (user, password);
        }

        options.AllowAdmin = true;
        options.ClientName = ClientName;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>
    /// Sends <paramref name="command"/> (keys as <see cref="RedisKey"/> arguments, so that a cluster routes it to their
    /// node); returns Redis's error when it refused for lack of permission (<c>NOPERM …</c>), null when it let the
    /// command run (whatever the command then answered).
    /// </summary>
    public static async Task<string?> RefusalAsync(IConnectionMultiplexer connection, string command, params object[] arguments)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            await connection.GetDatabase().ExecuteAsync(command, arguments);
            return null;
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            return exception.Message;
        }
        catch (RedisServerException)
        {
            // Allowed, and then failed for a reason of its own (e.g. a function that finds no group): not a refusal.
            return null;
        }
    }
}
