using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

/// <summary>Backoff and reclaim run on the <see cref="TimeProvider"/>: tests move time instead of waiting for it.</summary>
public sealed class TimeTests(RedisFixture redis)
{
    private const string Group = "test-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Second_attempt_waits_for_RetryBackoff_on_the_TimeProvider()
    {
        var stream = RedisFixture.UniqueName("orders");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var failures = 0;
        var probe = new HandlerProbe
        {
            Behaviour = (_, _, _) => Interlocked.Increment(ref failures) == 1 ? throw new TimeoutException("transient") : Task.CompletedTask,
        };
        var settings = new Dictionary<string, string?> { ["Messaging:RetryBackoff"] = "00:01:00", ["Messaging:HandlerAttempts"] = "2" };
        using var host = await TestBus.Build(redis, stream, probe, settings: settings, timeProvider: time).StartedAsync();

        await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("flaky", 1), TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => probe.Started.Count == 1, Timeout, "the first attempt");

        // A second at a time on the bus's clock (the backoff starts a moment after the first attempt failed).
        var advanced = TimeSpan.Zero;
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            return probe.Completed.Count == 1;
        }, Timeout, "the second attempt");
        Assert.InRange(advanced, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(119));
        Assert.Equal(2, probe.Started.Count);
        Assert.All(probe.Started, call => Assert.Equal(1, call.DeliveryCount));
    }

    [Fact]
    public async Task Reclaim_sweep_runs_every_half_ReclaimAfter_on_the_TimeProvider()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        await streams.CreateGroupAsync(Group);
        await streams.AddRawAsync();
        await streams.ReadAsDeadConsumerAsync(Group, "dead-instance");
        var reclaimAfter = TimeSpan.FromMilliseconds(100);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe,
            settings: new Dictionary<string, string?> { ["Messaging:ReclaimAfter"] = reclaimAfter.ToString() }, timeProvider: time).StartedAsync();

        // Redis measures idle time by its own clock: wait until the entry is idle long enough to be taken over…
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)) is [{ IdleTimeInMilliseconds: > 100 }], Timeout, "the entry to be idle past ReclaimAfter");
        Assert.Empty(probe.Started);

        // …then a tick of the sweep, on the bus's clock, takes it.
        await Wait.UntilAsync(() =>
        {
            time.Advance(reclaimAfter / 2);
            return probe.Completed.Count == 1;
        }, Timeout, "the sweep to take the entry over");
        Assert.Equal(2, Assert.Single(probe.Completed).DeliveryCount);
    }
}
