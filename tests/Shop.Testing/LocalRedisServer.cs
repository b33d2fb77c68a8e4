using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>
/// A <c>redis-server</c> process of the tests' own: a free loopback port, its own data folder, AOF on, stopped by
/// PID. Never the system service on 6379, which may hold someone's data.
/// </summary>
public sealed class LocalRedisServer : IDisposable
{
    private readonly string _directory;
    private readonly bool _appendOnly;
    private readonly IReadOnlyList<string> _extraArguments;
    private Process _process;

    private LocalRedisServer(Process process, string directory, int port, bool appendOnly, IReadOnlyList<string> extraArguments)
    {
        _process = process;
        _directory = directory;
        _appendOnly = appendOnly;
        _extraArguments = extraArguments;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static bool IsInstalled() => FindExecutable() is not null;

    /// <param name="appendOnly">AOF on (the tests' default: durable like production); off for benchmarks that measure the bus, not the disk.</param>
    /// <param name="port">The port to listen on; a free one when not given.</param>
    /// <param name="extraArguments">More <c>redis-server</c> arguments, e.g. a cluster node's or a replica's.</param>
    /// <param name="clusterBus">A cluster node: <c>--cluster-enabled yes</c> and a free port of its own for the cluster bus.</param>
    /// <param name="cancellationToken">Cancels waiting for the server to answer.</param>
    public static async Task<LocalRedisServer> StartAsync(
        bool appendOnly = true, int? port = null, IReadOnlyList<string>? extraArguments = null, bool clusterBus = false,
        CancellationToken cancellationToken = default)
    {
        // A port found free can be taken by another process before redis-server binds it (many suites start servers at
        // once): then it exits at start saying so, and is started again on other ports — unless the caller chose the port.
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("shop-redis-").FullName;
            var chosenPort = port ?? FreeLoopbackPort();
            IReadOnlyList<string> arguments = clusterBus
                ? ["--cluster-enabled", "yes", "--cluster-port", FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArguments ?? []]
                : extraArguments ?? [];
            var server = new LocalRedisServer(Launch(directory, chosenPort, appendOnly, arguments), directory, chosenPort, appendOnly, arguments);
            try
            {
                await server.WaitUntilAnsweringAsync(cancellationToken);
                return server;
            }
            catch (PortTakenException) when (attempt < 3 && (port is null || clusterBus))
            {
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    /// <summary><c>kill -9</c>: the server gets no chance to write anything more.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Starts the server again on the same port and data folder: it loads its AOF, as after a crash.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        Kill();
        _process.Dispose();
        _process = Launch(_directory, Port, _appendOnly, _extraArguments);
        await WaitUntilAnsweringAsync(cancellationToken);
    }

    /// <summary>SIGSTOP: the process stays, its sockets stay open, and it answers nothing until <see cref="Thaw"/>.</summary>
    public void Freeze() => ProcessSignals.Freeze(_process.Id);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => ProcessSignals.Thaw(_process.Id);

    /// <summary>
    /// A copy of the server's append-only files as they are now (Redis 7 keeps them in <c>appendonlydir</c>), for
    /// <see cref="RestartFromAsync"/>: what a backup, or an AOF fsynced a moment ago, holds.
    /// </summary>
    public string CopyAppendOnlyFiles()
    {
        var copy = Directory.CreateTempSubdirectory("shop-aof-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(_directory, "appendonlydir")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>
    /// <c>kill -9</c>, then starts again from the append-only files <paramref name="copy"/> holds instead of its own:
    /// every write after the copy is lost, although Redis had acknowledged it.
    /// </summary>
    public async Task RestartFromAsync(string copy, CancellationToken cancellationToken = default)
    {
        Kill();
        _process.Dispose();
        var files = Path.Combine(_directory, "appendonlydir");
        Directory.Delete(files, recursive: true);
        Directory.CreateDirectory(files);
        foreach (var file in Directory.GetFiles(copy))
        {
            File.Copy(file, Path.Combine(files, Path.GetFileName(file)));
        }

        _process = Launch(_directory, Port, _appendOnly, _extraArguments);
        await WaitUntilAnsweringAsync(cancellationToken);
    }

    /// <summary>
    /// One command sent to this server alone, on a short-lived admin connection (a cluster-aware client would route it
    /// to another node); its reply as text, or null when the server does not answer.
    /// </summary>
    public async Task<string?> QueryAsync(CancellationToken cancellationToken, string command, params object[] arguments)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 1000;
        options.AllowAdmin = true;
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            return (string?)await connection.GetServer(ConnectionString).ExecuteAsync(command, arguments);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The server's data folder (its AOF, a cluster node's <c>nodes.conf</c>).</summary>
    public string DataDirectory => _directory;

    public bool HasExited => _process.HasExited;

    private const string LogFileName = "redis.log";

    private string LogFile => Path.Combine(_directory, LogFileName);

    /// <summary>The server could not bind a port that was free a moment before.</summary>
    private sealed class PortTakenException(string message) : InvalidOperationException(message);

    private static Process Launch(string directory, int port, bool appendOnly, IReadOnlyList<string> extraArguments)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException("redis-server is not on the PATH.");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--bind", "127.0.0.1",
                     "--dir", directory,
                     "--appendonly", appendOnly ? "yes" : "no",
                     "--appendfsync", "everysec",
                     "--save", "",
                     "--daemonize", "no",
                     // Service tests isolate themselves by database (the stream names are fixed by the contract).
                     "--databases", "1024",
                     "--logfile", Path.Combine(directory, LogFileName),
                 }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned up by the OS.
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 500;
        await Wait.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                // redis-server writes why to its log file, not to stderr.
                var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "";
                var why = $"redis-server exited with code {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(cancellationToken)}{log[Math.Max(0, log.Length - 2000)..]}";
                throw log.Contains("Address already in use", StringComparison.Ordinal) ? new PortTakenException(why) : new InvalidOperationException(why);
            }

            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                await connection.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("LOADING", StringComparison.Ordinal))
            {
                // Accepting connections already, still reading its AOF: not answering yet.
                return false;
            }
        }, TimeSpan.FromSeconds(20), "redis-server to answer PING");
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/bin").Append("/usr/local/bin").Append("/opt/homebrew/bin")
        .Select(folder => Path.Combine(folder, "redis-server"))
        .FirstOrDefault(File.Exists);
}
