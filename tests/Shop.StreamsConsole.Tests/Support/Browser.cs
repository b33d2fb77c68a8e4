using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Shop.StreamsConsole.Tests.Support;

/// <summary>
/// A Chromium or Chrome driven by Playwright, started once for the browser tests, a fresh page per test: the one
/// <see cref="ChromiumExecutable"/> finds, else a browser Playwright itself installed (<c>playwright install
/// chromium</c>). Without either, every browser test is reported skipped with what to install — visibly, never a silent
/// pass — unless <c>SHOP_TEST_REQUIRE_BROWSER=1</c> (set by CI) makes that a failure. Headless, and with the background
/// networking that a closed network would refuse turned off.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _missing;
    private readonly ConcurrentDictionary<IPage, ConcurrentQueue<string>> _violations = new();

    /// <summary><c>SHOP_TEST_REQUIRE_BROWSER=1</c>: a browser test without a browser fails instead of being skipped.</summary>
    private static bool Required => Environment.GetEnvironmentVariable("SHOP_TEST_REQUIRE_BROWSER") == "1";

    public async ValueTask InitializeAsync()
    {
        var executable = ChromiumExecutable.Find();
        _playwright = await Playwright.CreateAsync();
        try
        {
            // No executable found: Playwright's own browser, if one was installed with `playwright install chromium`.
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = Arguments });
        }
        catch (PlaywrightException exception) when (executable is null)
        {
            _missing =
                "The streams console's browser tests drive Chromium or Chrome, and this machine has neither on the PATH nor in " +
                "the usual places. Install one (Debian/Ubuntu: 'sudo apt-get install -y chromium'; macOS: 'brew install --cask " +
                $"chromium' or Google Chrome; Windows: Google Chrome), or set {ChromiumExecutable.Variable} to its executable. " +
                $"Playwright said: {exception.Message.Split('\n')[0]}";
        }
    }

    /// <summary>
    /// A page of its own (own cookies: its own antiforgery token), the size of the screenshots in docs/images. What the browser
    /// blocked for the page's Content-Security-Policy is kept for <see cref="PolicyViolations"/>.
    /// </summary>
    public async Task<IPage> NewPageAsync()
    {
        if (_missing is not null)
        {
            if (Required)
            {
                throw new InvalidOperationException(_missing);
            }

            Assert.Skip(_missing);
        }

        var context = await (_browser ?? throw new InvalidOperationException("The browser did not start.")).NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1500, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var violations = _violations.GetOrAdd(page, _ => []);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Enqueue(message.Text);
            }
        };
        return page;
    }

    /// <summary>Every load or script the browser refused on <paramref name="page"/> because the page's own policy forbids it.</summary>
    public IReadOnlyCollection<string> PolicyViolations(IPage page) =>
        _violations.TryGetValue(page, out var violations) ? violations : [];

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
