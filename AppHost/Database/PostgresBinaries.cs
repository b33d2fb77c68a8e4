using System.Diagnostics;

namespace Shop.AppHost.Database;

/// <summary>
/// PostgreSQL's own programs on this machine (<c>initdb</c>, <c>postgres</c>), run as an unprivileged user when we are
/// root: <c>postgres</c> refuses to run as root, so the cluster belongs to the <c>postgres</c> user that Debian's (and
/// most distributions') package creates, and the programs run as that user through <c>setpriv</c>, which replaces itself
/// with the program: the process the AppHost or a test starts and stops is the server itself. Shared by the AppHost's
/// local server and the tests' (compiled into both).
/// </summary>
internal static class PostgresBinaries
{
    /// <summary>The user the cluster belongs to when we run as root.</summary>
    public const string ServerUser = "postgres";

    /// <summary>The folder holding <c>initdb</c> and <c>postgres</c>: on the PATH, else the newest of Debian's versions.</summary>
    public static string? Find()
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

    public static bool RunningAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>The command that runs <paramref name="program"/> as the server's user: <c>setpriv</c> as root, else itself.</summary>
    public static string Command(string program) => RunningAsRoot ? "setpriv" : program;

    /// <summary>The arguments that go before <paramref name="program"/>'s own (<c>setpriv</c>'s, as root).</summary>
    public static string[] Prefix(string program) =>
        RunningAsRoot ? ["--reuid", ServerUser, "--regid", ServerUser, "--init-groups", "--", program] : [];

    /// <summary>
    /// A new cluster in <paramref name="dataDirectory"/> (which must not exist yet): <c>initdb</c> with the superuser
    /// <c>postgres</c>, its password, password authentication (scram-sha-256) and UTF-8, as the server's user.
    /// </summary>
    public static void InitializeCluster(string binaries, string dataDirectory, string password)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!;
        Directory.CreateDirectory(parent);
        var passwordFile = Path.Combine(parent, $".{Path.GetFileName(dataDirectory)}-password");
        File.WriteAllText(passwordFile, password);
        try
        {
            if (RunningAsRoot)
            {
                Directory.CreateDirectory(dataDirectory);
                Run("chown", ServerUser + ":", dataDirectory, passwordFile);
            }

            var initdb = Path.Combine(binaries, "initdb");
            Run(Command(initdb),
            [
                .. Prefix(initdb), "--pgdata", dataDirectory, "--username", ServerUser, "--pwfile", passwordFile,
                "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-instructions",
            ]);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Runs a program to its end; its output in the exception when it fails.</summary>
    public static void Run(string program, params string[] arguments)
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
            var why = RunningAsRoot && error.Contains("Permission denied", StringComparison.Ordinal)
                ? $" The user '{ServerUser}' must be able to reach the data folder: choose a Shop:DataDirectory that every folder above it lets others enter (o+x)."
                : "";
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result}{error}{why}");
        }
    }
}
