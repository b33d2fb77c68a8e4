using Microsoft.Extensions.Hosting;
using Xunit;

namespace Shop.Testing;

/// <summary>Starts a host built by a test helper, with the test's cancellation: <c>await TestBus.Build(…).StartedAsync()</c>.</summary>
public static class HostStart
{
    public static async Task<IHost> StartedAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
