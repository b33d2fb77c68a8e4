using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Shop.AppHost.Database;

namespace Shop.Testing;

/// <summary>
/// A PostgreSQL server process of the tests' own: a fresh cluster (<c>initdb</c>) in a temp folder, a free loopback
/// port, no Unix socket, a password for its <c>postgres</c> superuser, stopped by PID. Never the system's service.
/// Run as root (CI), the server runs as an unprivileged user (<see cref="PostgresBinaries"/>), and its PID is still the
/// server's, so <c>kill -9</c> reaches it.
/// </summary>
/// <remarks>
/// <c>fsync=off</c>: the tests kill server processes, never the machine, and a killed process loses nothing the
/// kernel already has, so durability is unchanged for what the tests do, and CI is spared the disk flushes.
/// </remarks>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    private const string Superuser = PostgresBinaries.ServerUser;
    private readonly string _directory;
    private readonly string _binaries;
    private Process _process;

    private LocalPostgresServer(string directory, string binaries, int port, string password)
    {
        _directory = directory;
        _binaries = binaries;
        Port = port;
        Password = password;
        _process = Launch();
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    private string Password { get; }

    /// <summary>The superuser's connection string, for creating databases and roles.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username={Superuser};Password={Password};Database=postgres";

    private string DataDirectory => Path.Combine(_directory, "data");

    private string LogFile => Path.Combine(_directory, "postgres.log");

    public static async Task<LocalPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException("PostgreSQL's initdb and postgres are not installed.");
        var directory = Directory.CreateTempSubdirectory("shop-postgres-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // The server's user (as root, not ours) must enter the folder; it reads nothing else in it.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        var password = Guid.NewGuid().ToString("N");
        PostgresBinaries.InitializeCluster(binaries, Path.Combine(directory, "data"), password);
        // A port found free may be taken before the server binds it: then it exits saying so, and starts on another.
        for (var attempt = 1; ; attempt++)
        {
            var server = new LocalPostgresServer(directory, binaries, LocalRedisServer.FreeLoopbackPort(), password);
            try
            {
                await server.WaitUntilAnsweringAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException exception) when (attempt < 3 && exception.Message.Contains("already in use", StringComparison.Ordinal))
            {
                server.Kill();
            }
        }
    }

    /// <summary>
    /// CPU time the server has used: the postmaster and its live backends (Linux <c>/proc</c>), plus what its exited
    /// backends used (the postmaster's children's time). For benchmarks that count the database's share of a request.
    /// </summary>
    public TimeSpan CpuTime()
    {
        const double ticksPerSecond = 100; // USER_HZ, 100 on Linux
        double ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }

            // After the command's closing parenthesis: state, ppid, … utime is field 14, stime 15, cutime 16, cstime 17.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == _process.Id || parent == _process.Id)
            {
                ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                if (pid == _process.Id)
                {
                    ticks += double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture);
                }
            }
        }

        return TimeSpan.FromSeconds(ticks / ticksPerSecond);
    }

    /// <summary><c>kill -9</c> of the postmaster: its connections break at once; its backends exit as they notice.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>
    /// Starts the server again on the same port and data folder, as after a crash: it replays its WAL before it answers.
    /// Orphaned backends of the killed postmaster may hold the port and the data folder for a moment; the start is
    /// tried again until they are gone.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        Kill();
        await Wait.UntilAsync(async () =>
        {
            _process.Dispose();
            _process = Launch();
            try
            {
                await WaitUntilAnsweringAsync(cancellationToken);
                return true;
            }
            catch (InvalidOperationException exception) when (exception.Message.Contains("already", StringComparison.Ordinal))
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "PostgreSQL to start again after kill -9");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGINT: PostgreSQL's fast shutdown (clients disconnected, no checkpoint wait worth having in a test).
                using var stop = Process.Start(new ProcessStartInfo("kill", $"-INT {_process.Id.ToString(CultureInfo.InvariantCulture)}") { UseShellExecute = false });
                stop?.WaitForExit();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A file still held by a dying backend; the OS cleans temp folders.
        }
    }

    private Process Launch()
    {
        var postgres = Path.Combine(_binaries, "postgres");
        var start = new ProcessStartInfo(PostgresBinaries.Command(postgres))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])
                 [
                     .. PostgresBinaries.Prefix(postgres),
                     "-D", DataDirectory,
                     "-p", Port.ToString(CultureInfo.InvariantCulture),
                     "-c", "listen_addresses=127.0.0.1",
                     "-c", "unix_socket_directories=",
                     // Every test's services hold pools of their own, each on its own database.
                     "-c", "max_connections=500",
                     "-c", "fsync=off",
                     "-c", "full_page_writes=off",
                 ])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("postgres did not start.");
        // The server logs to stderr; a pipe nobody reads would fill and stall it.
        process.ErrorDataReceived += (_, line) => AppendLog(line.Data);
        process.OutputDataReceived += (_, line) => AppendLog(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private readonly Lock _logLock = new();

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            File.AppendAllText(LogFile, line + Environment.NewLine);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        await Wait.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                string log;
                lock (_logLock)
                {
                    log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";
                }

                throw new InvalidOperationException($"postgres exited with code {_process.ExitCode}: {log[Math.Max(0, log.Length - 2000)..]}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString + ";Timeout=2;Pooling=false");
                await connection.OpenAsync(cancellationToken);
                return true;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "PostgreSQL to accept connections");
    }
}
