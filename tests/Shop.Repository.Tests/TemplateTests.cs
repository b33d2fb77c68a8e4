using System.Diagnostics;
using System.Text;

namespace Shop.Repository.Tests;

/// <summary>
/// <c>dotnet new shop-streams</c>: the template (<c>.template.config/template.json</c>) installed from this working tree
/// into a template store of the test's own, instantiated into a temporary folder, built, and its saga tests run.
/// </summary>
public sealed class TemplateTests : IDisposable
{
    private const string NewName = "Acme.Store";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);
    private static readonly string Root = RepositoryRoot.Find() ?? throw new InvalidOperationException($"No Shop.slnx above {AppContext.BaseDirectory}.");
    private readonly string _work = Directory.CreateTempSubdirectory("shop-template-").FullName;

    [Fact]
    public async Task Solution_made_from_the_template_is_renamed_builds_and_passes_its_saga_tests()
    {
        // The working tree's own name comes from its solution file: Shop here, whatever a copy made from the template is called.
        var sourceName = Path.GetFileNameWithoutExtension(Directory.EnumerateFiles(Root, "*.slnx").Single());
        var hive = Path.Combine(_work, "hive");
        var output = Path.Combine(_work, NewName);
        await RunAsync(_work, "dotnet", "new", "install", Root, "--debug:custom-hive", hive);
        await RunAsync(_work, "dotnet", "new", "shop-streams", "-n", NewName, "-o", output, "--debug:custom-hive", hive);

        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(output, path)).ToList();
        Assert.Contains($"{NewName}.slnx", files);
        Assert.Contains(Path.Combine($"{NewName}.Messaging", "Consuming", "StreamConsumer.cs"), files);
        if (sourceName != NewName)
        {
            Assert.DoesNotContain(files, path => path.Contains(sourceName, StringComparison.Ordinal));
            var stillNamed = files.Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith("proj", StringComparison.Ordinal))
                .Where(path => File.ReadAllText(Path.Combine(output, path)).Contains(sourceName, StringComparison.Ordinal)).ToList();
            Assert.True(stillNamed.Count == 0, $"still named {sourceName}: {string.Join(", ", stillNamed)}");
        }

        Assert.Contains($"namespace {NewName}.Messaging.Consuming;", await File.ReadAllTextAsync(Path.Combine(output, $"{NewName}.Messaging", "Consuming", "StreamConsumer.cs"), TestContext.Current.CancellationToken));

        // No build servers left running after the test: they would outlive it, holding the copy's files.
        await RunAsync(output, "dotnet", "build", $"{NewName}.slnx", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        // The saga across the three services against a real Redis: the smoke test of the copy, not all of its suites.
        await RunAsync(output, "dotnet", "test", "--project", Path.Combine("tests", $"{NewName}.Services.Tests"), "--no-build",
            "--", "--filter-class", "*OrderFlowTests");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A build server still closing a file; the OS cleans temporary folders.
        }
    }

    private static async Task RunAsync(string directory, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The outer `dotnet test` hands its MSBuild location to this process; the copy must build on its own.
        foreach (var variable in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var log = new StringBuilder();
        var reading = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} ran longer than {StepTimeout}:{Environment.NewLine}{Tail(log)}");
        }

        await reading;
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{Tail(log)}");
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var text = log.ToString();
            return text.Length <= 6000 ? text : text[^6000..];
        }
    }
}
