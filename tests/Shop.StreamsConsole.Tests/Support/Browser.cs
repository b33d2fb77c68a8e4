using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Shop.StreamsConsole.Tests.Support;

/// <summary>
/// Debian's Chromium, driven by Playwright: started once for the test assembly, a fresh page per test. Playwright's
/// own browser download is never used (<c>SHOP_TEST_CHROMIUM</c> names another executable). Headless, and with the
/// background networking that this machine's closed network would refuse turned off.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly ConcurrentDictionary<IPage, ConcurrentQueue<string>> _violations = new();

    public async ValueTask InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("SHOP_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"The console's browser tests drive Chromium and found none at {executable}: install it (Debian/Ubuntu: " +
                "'sudo apt-get install -y chromium'), or set SHOP_TEST_CHROMIUM to a Chromium or Chrome executable.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// A page of its own (own cookies: its own antiforgery token), the size of the README's screenshots. What the browser
    /// blocked for the page's Content-Security-Policy is kept for <see cref="PolicyViolations"/>.
    /// </summary>
    public async Task<IPage> NewPageAsync()
    {
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
