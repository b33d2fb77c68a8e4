namespace Shop.StreamsConsole.Tests.Support;

/// <summary>
/// Where this machine keeps a Chromium or Chrome the browser tests can drive, looked for in the order a user would
/// expect: <c>SHOP_TEST_CHROMIUM</c>; then <c>chromium</c>, <c>chromium-browser</c>, <c>google-chrome</c>,
/// <c>google-chrome-stable</c> or <c>chrome</c> on the <c>PATH</c>; then the usual install places on macOS and Windows.
/// Null when none is there: Playwright's own installed browsers are the last resort (see <see cref="Browser"/>).
/// </summary>
internal static class ChromiumExecutable
{
    public const string Variable = "SHOP_TEST_CHROMIUM";

    private static readonly string[] CommandNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{Variable} names '{configured}', which does not exist.");
        }

        return OnPath() ?? InstalledApplications().FirstOrDefault(File.Exists);
    }

    private static string? OnPath()
    {
        var extensions = OperatingSystem.IsWindows() ? [".exe"] : new[] { "" };
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => CommandNames.SelectMany(name => extensions.Select(extension => Path.Combine(directory, name + extension))))
            .FirstOrDefault(File.Exists);
    }

    private static IEnumerable<string> InstalledApplications()
    {
        if (OperatingSystem.IsMacOS())
        {
            yield return "/Applications/Chromium.app/Contents/MacOS/Chromium";
            yield return "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
        }
        else if (OperatingSystem.IsWindows())
        {
            foreach (var root in new[] { "ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA" }.Select(Environment.GetEnvironmentVariable).OfType<string>())
            {
                yield return Path.Combine(root, "Google", "Chrome", "Application", "chrome.exe");
                yield return Path.Combine(root, "Chromium", "Application", "chrome.exe");
            }
        }
    }
}
