using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Shop.Testing;

/// <summary>
/// One Shop service running as a real OS process (<c>dotnet OrderService.dll</c>, the assembly its own build wrote),
/// configured through environment variables exactly as the AppHost or an operator would. Its output goes to a log
/// file so a failed run can be read afterwards. Killing it is <c>kill -9</c>: no shutdown code runs.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _assembly;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    private ServiceProcess(string name, string assembly, int port, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        Name = name;
        _assembly = assembly;
        Port = port;
        _environment = environment;
        LogFile = logFile;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything the process wrote to stdout and stderr, across restarts.</summary>
    public string LogFile { get; }

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>
    /// Prepares (does not start) <paramref name="project"/>, e.g. <c>OrderService</c>, built in the same configuration
    /// as the calling assembly. <paramref name="environment"/> is added to the process's environment.
    /// </summary>
    public static ServiceProcess Create(string project, string instanceName, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        var port = LocalRedisServer.FreeLoopbackPort();
        var all = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["OTEL_SERVICE_NAME"] = project.ToLowerInvariant(),
            // The consumer name is derived from it: one per instance, stable across restarts like a pod name.
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceName}",
            ["DOTNET_NOLOGO"] = "1",
        };
        all.TryAdd("ASPNETCORE_ENVIRONMENT", "Production");
        Directory.CreateDirectory(logDirectory);
        return new ServiceProcess(instanceName, BuiltAssembly(project), port, all, Path.Combine(logDirectory, $"{instanceName}.log"));
    }

    /// <summary>Starts the process and waits until <c>/health</c> answers 200 (Redis and its database reachable).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"{Name} is running already.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_assembly)!,
        };
        start.ArgumentList.Add(_assembly);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(LogFile, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"---- start {DateTime.UtcNow:O}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Exited += (_, _) => Write(log, $"---- exited {DateTime.UtcNow:O}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilHealthyAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: the process gets no chance to finish, flush or acknowledge anything.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>SIGSTOP: the process stays, with its connections open, and does nothing until <see cref="Thaw"/>.</summary>
    public void Freeze() => ProcessSignals.Freeze(ProcessId ?? throw new InvalidOperationException($"{Name} is not running."));

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => ProcessSignals.Thaw(ProcessId ?? throw new InvalidOperationException($"{Name} is not running."));

    /// <summary>Resident memory and CPU time so far (Linux: from <c>/proc</c>).</summary>
    public ProcessUsage Usage()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running.");
        process.Refresh();
        return new ProcessUsage(process.WorkingSet64, PrivateResidentBytes(process.Id) ?? process.WorkingSet64, process.TotalProcessorTime);
    }

    // RssAnon + RssShmem: the pages only this process has (heap, JIT'd code); RssFile is assembly and runtime
    // files mapped read-only, which every .NET process on the machine shares.
    private static long? PrivateResidentBytes(int processId)
    {
        var status = $"/proc/{processId}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        long kilobytes = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal) || line.StartsWith("RssShmem:", StringComparison.Ordinal))
            {
                kilobytes += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return kilobytes * 1024;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var health = new Uri(BaseAddress, "/health");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting; see {LogFile}.");
            }

            try
            {
                using var response = await Probe.GetAsync(health);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not report healthy within {timeout.TotalSeconds:0} s; see {LogFile}.");
            }

            await Task.Delay(50);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>
    /// <c>&lt;repo&gt;/&lt;project&gt;/bin/&lt;configuration&gt;/net10.0/&lt;project&gt;.dll</c>: the callers reference the
    /// service projects with <c>ReferenceOutputAssembly="false"</c>, so the build has written it in their configuration.
    /// </summary>
    private static string BuiltAssembly(string project)
    {
        var caller = Assembly.GetEntryAssembly() ?? Assembly.GetExecutingAssembly();
        var configuration = caller.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException($"No Shop.slnx above {AppContext.BaseDirectory}.");
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor.ToString(CultureInfo.InvariantCulture)}";
        var path = Path.Combine(root, project, "bin", configuration, framework, $"{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built in {configuration}: {path}");
    }
}

/// <summary>A process's resident memory (all of it, and the part private to it) in bytes, and the CPU time it has used.</summary>
public sealed record ProcessUsage(long ResidentBytes, long PrivateBytes, TimeSpan CpuTime);
