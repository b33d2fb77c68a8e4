using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class RecoveryTests(RedisFixture redis)
{
    private const string Group = "test-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Consumer_killed_mid_handler_handles_its_entry_after_restart_from_its_own_pending_list()
    {
        var stream = RedisFixture.UniqueName("inventory");
        var streams = new StreamProbe(redis, stream);
        // ReclaimAfter is far away: only the restarted consumer's own recovery can bring the entry back.
        var settings = new Dictionary<string, string?> { ["Messaging:ReclaimAfter"] = "01:00:00" };
        var crashed = new HandlerProbe { Behaviour = (_, _, cancellation) => Task.Delay(Timeout * 10, cancellation) };
        var before = TestBus.Build(redis, stream, crashed, consumer: "instance-1", settings: settings);
        await before.StartAsync(_cancellation);
        await before.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("interrupted", 1), _cancellation);
        await Wait.UntilAsync(() => crashed.Started.Count == 1, Timeout, "the handler to start");

        // A stop whose grace period is already over cancels the running handler: the loop dies without an ack.
        await before.StopAsync(new CancellationToken(canceled: true));
        before.Dispose();
        Assert.Empty(crashed.Completed);
        var pending = Assert.Single(await streams.PendingAsync(Group));
        Assert.Equal("instance-1", pending.ConsumerName);

        var restarted = new HandlerProbe();
        using var after = await TestBus.Build(redis, stream, restarted, consumer: "instance-1", settings: settings).StartedAsync();

        await Wait.UntilAsync(() => restarted.Completed.Count == 1, Timeout, "the restarted consumer to handle its pending entry");
        var call = Assert.Single(restarted.Completed);
        Assert.Equal("interrupted", call.Event.Name);
        Assert.Equal(2, call.DeliveryCount);
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "the acknowledgement");
    }

    [Fact]
    public async Task Entry_left_pending_by_a_dead_consumer_is_taken_over_after_ReclaimAfter()
    {
        var stream = RedisFixture.UniqueName("inventory");
        var streams = new StreamProbe(redis, stream);
        await streams.CreateGroupAsync(Group);
        await streams.AddRawAsync(data: """{"name":"orphan","number":1}""");
        Assert.Single(await streams.ReadAsDeadConsumerAsync(Group, "dead-instance"));

        var probe = new HandlerProbe();
        var settings = new Dictionary<string, string?> { ["Messaging:ReclaimAfter"] = "00:00:00.300" };
        using var host = await TestBus.Build(redis, stream, probe, consumer: "live-instance", settings: settings).StartedAsync();

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the live consumer to take the entry over");
        var call = Assert.Single(probe.Completed);
        Assert.Equal("orphan", call.Event.Name);
        Assert.Equal("live-instance", call.Consumer);
        Assert.Equal(2, call.DeliveryCount);
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "the acknowledgement");
    }

    [Fact]
    public async Task Slow_handler_running_past_ReclaimAfter_is_not_taken_over_and_run_twice()
    {
        var stream = RedisFixture.UniqueName("inventory");
        var streams = new StreamProbe(redis, stream);
        var reclaimAfter = TimeSpan.FromMilliseconds(600);
        var settings = new Dictionary<string, string?> { ["Messaging:ReclaimAfter"] = reclaimAfter.ToString() };
        var release = new TaskCompletionSource();
        var probe = new HandlerProbe { Behaviour = (_, _, cancellation) => release.Task.WaitAsync(cancellation) };
        using var slow = await TestBus.Build(redis, stream, probe, consumer: "slow-instance", settings: settings).StartedAsync();
        using var idle = await TestBus.Build(redis, stream, probe, consumer: "idle-instance", settings: settings).StartedAsync();

        await slow.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("slow", 1), _cancellation);
        await Wait.UntilAsync(() => probe.Started.Count == 1, Timeout, "the handler to start");
        var running = Stopwatch.StartNew();

        // The behaviour under test is about time passing: the handler outlives ReclaimAfter several times over
        // while the idle consumer sweeps every ReclaimAfter / 2. The entry must stay with its first consumer.
        await Wait.UntilAsync(async () =>
            running.Elapsed > reclaimAfter * 4
            && (await streams.PendingAsync(Group)) is [{ DeliveryCount: 1 }], Timeout, "four ReclaimAfter periods with the entry still on its first delivery");
        release.SetResult();

        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "the acknowledgement");
        var call = Assert.Single(probe.Started);
        Assert.Equal(call.Consumer, Assert.Single(probe.Completed).Consumer);
    }
}
