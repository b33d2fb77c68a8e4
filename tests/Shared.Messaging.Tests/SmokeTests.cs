using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class SmokeTests(RedisFixture redis)
{
    [Fact]
    public async Task Published_event_is_handled_once()
    {
        var stream = RedisFixture.UniqueName("smoke");
        var probe = new HandlerProbe();
        using var host = await TestBus.StartAsync(redis, stream, probe);
        await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("a", 1), TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => probe.Completed.Count == 1, TimeSpan.FromSeconds(10), "the handler");
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
