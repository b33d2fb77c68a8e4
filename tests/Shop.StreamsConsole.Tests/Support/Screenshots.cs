using Microsoft.Playwright;

namespace Shop.StreamsConsole.Tests.Support;

/// <summary>
/// The docs' pictures of the console, taken by the tests that prove what they show: into <c>TestResults/console</c>,
/// or, with <c>SHOP_CONSOLE_SCREENSHOTS=docs/images</c>, straight into the docs' folder.
/// </summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException($"No Shop.slnx above {AppContext.BaseDirectory}.");
        var folder = Environment.GetEnvironmentVariable("SHOP_CONSOLE_SCREENSHOTS") is { Length: > 0 } configured
            ? Path.GetFullPath(configured, root)
            : Path.Combine(root, "TestResults", "console");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png") });
    }
}
