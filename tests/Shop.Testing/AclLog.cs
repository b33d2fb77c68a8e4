using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>What Redis refused for lack of permission, as <c>ACL LOG</c> on each primary records it.</summary>
public static class AclLog
{
    /// <summary>
    /// Every refusal on every primary <paramref name="connection"/> knows, as <c>user: reason 'object' (context) … from
    /// client 'name'</c> (the client name tells which connection of the service asked);
    /// empty when nothing was refused. The connection needs a user allowed to run <c>ACL LOG</c> (e.g. the default user).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RefusalsAsync(IConnectionMultiplexer connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var refusals = new List<string>();
        foreach (var server in connection.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            foreach (var entry in (RedisResult[])(await server.ExecuteAsync("ACL", "LOG"))!)
            {
                var fields = entry.ToDictionary();
                var client = Regex.Match((string?)fields["client-info"] ?? "", @"\bname=(\S*)").Groups[1].Value;
                refusals.Add($"{fields["username"]}: {fields["reason"]} '{fields["object"]}' ({fields["context"]}) on {server.EndPoint} from client '{client}'");
            }
        }

        return refusals;
    }
}
