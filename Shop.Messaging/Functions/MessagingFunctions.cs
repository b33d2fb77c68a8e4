using StackExchange.Redis;

namespace Shop.Messaging.Functions;

/// <summary>
/// The bus's Redis functions (<see href="https://redis.io/docs/latest/develop/programmability/functions-intro/">Redis 7
/// functions</see>): a Lua library, <c>shop_messaging.lua</c> beside this file, that a privileged step loads once and the
/// services' users only call (<c>FCALL</c>). Why functions and not scripts: <c>EVAL</c> or <c>SCRIPT LOAD</c> would let a
/// service's user run any code it likes inside Redis (<c>EVAL "while true do end" 0</c> stalls the server for every
/// client); with functions, the only code a service can run is the code an administrator loaded, and the server keeps
/// it (in its RDB and AOF, and on its replicas) across restarts.
/// </summary>
public static class MessagingFunctions
{
    /// <summary>The library's name, as <c>FUNCTION LIST</c> shows it.</summary>
    public const string Library = "shop_messaging";

    /// <summary>
    /// <c>FCALL shop_remove_idle_consumers 1 &lt;stream&gt; &lt;group&gt; &lt;caller&gt; &lt;idle ms&gt;</c>: deletes the
    /// group's consumers that are idle that long and own nothing pending, atomically; returns their names.
    /// </summary>
    public const string RemoveIdleConsumers = "shop_remove_idle_consumers";

    /// <summary>The library's Lua source, what <c>FUNCTION LOAD</c> takes.</summary>
    public static string Source { get; } = ReadSource();

    /// <summary>
    /// Loads the library on every primary <paramref name="admin"/> is connected to where it is missing or older than
    /// this build's (<c>FUNCTION LOAD REPLACE</c>); replicas get it from their primary. Returns how many primaries it
    /// loaded it on. Needs a user allowed <c>FUNCTION LIST</c> and <c>FUNCTION LOAD</c> — an administrator, never a service.
    /// </summary>
    public static async Task<int> EnsureLoadedAsync(IConnectionMultiplexer admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var loaded = 0;
        foreach (var server in admin.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            var listed = (RedisResult[])(await server.ExecuteAsync("FUNCTION", "LIST", "LIBRARYNAME", Library, "WITHCODE").ConfigureAwait(false))!;
            // LIBRARYNAME matches by pattern: the library is ours only under its exact name.
            var current = listed.Select(library => library.ToDictionary())
                .FirstOrDefault(library => (string?)library["library_name"] == Library);
            if (current is not null && (string?)current["library_code"] == Source)
            {
                continue;
            }

            await server.ExecuteAsync("FUNCTION", "LOAD", "REPLACE", Source).ConfigureAwait(false);
            loaded++;
        }

        return loaded;
    }

    private static string ReadSource()
    {
        using var stream = typeof(MessagingFunctions).Assembly.GetManifestResourceStream("Shop.Messaging.Functions.shop_messaging.lua")
                           ?? throw new InvalidOperationException("The shop_messaging.lua resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
