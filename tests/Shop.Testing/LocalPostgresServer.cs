using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Shop.Testing;

/// <summary>
/// A PostgreSQL server process of the tests' own: a fresh cluster (<c>initdb</c>) in a temp folder, a free loopback
/// port, no Unix socket, a password for its <c>postgres</c> superuser, stopped by PID. Never the system's service.
/// <c>postgres</c> refuses to run as root: run as root (CI), the cluster belongs to the unprivileged <c>postgres</c>
/// user that Debian's package creates, and the server runs as that user through <c>setpriv</c>, which replaces itself
/// with the server, so the PID is the server's and <c>kill -9</c> reaches it.
/// </summary>
/// <remarks>
/// <c>fsync=off</c>: the tests kill server processes, never the machine, and a killed process loses nothing the
/// kernel already has, so durability is unchanged for what the tests do, and CI is spared the disk flushes.
/// </remarks>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    private const string Superuser = "postgres";
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

    /// <summary>The folder holding <c>initdb</c> and <c>postgres</c>: on the PATH, else the newest of Debian's versions.</summary>
    public static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "postgres")));
        if (onPath is not null)
        {
            return onPath;
        }

        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.GetDirectories(debian)
                .Select(version => Path.Combine(version, "bin"))
                .Where(folder => File.Exists(Path.Combine(folder, "postgres")))
                .OrderByDescending(folder => int.TryParse(Path.GetFileName(Path.GetDirectoryName(folder)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
    }

    public static async Task<LocalPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException("PostgreSQL's initdb and postgres are not installed.");
        var directory = Directory.CreateTempSubdirectory("shop-postgres-").FullName;
        var password = Guid.NewGuid().ToString("N");
        InitializeCluster(directory, binaries, password);
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

    private static bool RunningAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>initdb, as the user the server will run as, with the superuser's password and password authentication.</summary>
    private static void InitializeCluster(string directory, string binaries, string password)
    {
        var passwordFile = Path.Combine(directory, "password");
        File.WriteAllText(passwordFile, password);
        if (RunningAsRoot)
        {
            // The temp folder is root's and private: the server's user must reach its cluster and password file.
            Run("chown", "-R", $"{Superuser}:", directory);
        }

        Run(Command(Path.Combine(binaries, "initdb")),
        [
            .. CommandPrefix(Path.Combine(binaries, "initdb")),
            "--pgdata", Path.Combine(directory, "data"), "--username", Superuser, "--pwfile", passwordFile,
            "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions",
        ]);
        File.Delete(passwordFile);
    }

    private Process Launch()
    {
        var postgres = Path.Combine(_binaries, "postgres");
        var start = new ProcessStartInfo(Command(postgres))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])
                 [
                     .. CommandPrefix(postgres),
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

    /// <summary>As root, the program is <c>setpriv</c>, which becomes the unprivileged user and then the program itself.</summary>
    private static string Command(string program) => RunningAsRoot ? "setpriv" : program;

    private static string[] CommandPrefix(string program) =>
        RunningAsRoot ? ["--reuid", Superuser, "--regid", Superuser, "--init-groups", "--", program] : [];

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result}{error}");
        }
    }
}
