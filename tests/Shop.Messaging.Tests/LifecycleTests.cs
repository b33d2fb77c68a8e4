using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.Tests;

public sealed class LifecycleTests(RedisFixture redis)
{
    private const string Group = "test-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Graceful_shutdown_lets_the_running_handler_finish_acknowledges_it_and_leaves_the_rest_pending()
    {
        var stream = RedisFixture.UniqueName("notifications");
        var streams = new StreamProbe(redis, stream);
        var release = new TaskCompletionSource();
        var probe = new HandlerProbe
        {
            // The first handler is still running when shutdown begins; it must be allowed to finish.
            Behaviour = (@event, _, _) => @event.Number == 0 ? release.Task : Task.CompletedTask,
        };
        var settings = new Dictionary<string, string?> { ["Messaging:ReclaimAfter"] = "01:00:00" };
        using var host = TestBus.Build(redis, stream, probe, settings: settings);
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync(new ThingHappened("in-flight", i), _cancellation);
        }

        await host.StartAsync(_cancellation);
        await Wait.UntilAsync(() => probe.Started.Count == 1, Timeout, "the first handler to start");

        // ApplicationStopping is the first stop signal; its callbacks run before StopApplication returns.
        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        release.SetResult();
        await host.StopAsync(_cancellation);

        var handled = Assert.Single(probe.Completed);
        Assert.Equal(0, handled.Event.Number);
        var pending = await streams.PendingAsync(Group);
        Assert.DoesNotContain(pending, entry => entry.MessageId == handled.EntryId);
        Assert.Equal(2, pending.Length);
    }

    [Fact]
    public async Task Consumer_group_exists_once_the_host_has_started_so_a_group_starting_at_the_end_misses_nothing_published_after()
    {
        var stream = RedisFixture.UniqueName("notifications");
        var probe = new HandlerProbe();
        var settings = new Dictionary<string, string?> { ["Messaging:NewGroupStartsAt"] = "End" };
        using var host = await TestBus.Build(redis, stream, probe, settings: settings).StartedAsync();

        await new StreamProbe(redis, stream).AddRawAsync(data: """{"name":"right after start","number":1}""");

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the entry published right after start");
    }

    [Fact]
    public async Task Stopping_ends_a_blocked_read_at_once_instead_of_waiting_out_BlockTimeout()
    {
        var stream = RedisFixture.UniqueName("notifications");
        var streams = new StreamProbe(redis, stream);
        var settings = new Dictionary<string, string?> { ["Messaging:BlockTimeout"] = "00:01:00" };
        using var host = await TestBus.Build(redis, stream, new HandlerProbe(), consumer: "blocked-instance", settings: settings).StartedAsync();
        await Wait.UntilAsync(() => streams.IsReaderBlockedAsync("blocked-instance"), Timeout, "the reader to block");

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        // CLIENT UNBLOCK … TIMEOUT ends the read as if its minute were over; without it the client stays blocked.
        await Wait.UntilAsync(async () => !await streams.IsReaderBlockedAsync("blocked-instance"), Timeout, "the read to end");
        await host.StopAsync(_cancellation);
    }

    [Fact]
    public async Task Idle_consumer_cleanup_removes_idle_consumers_but_never_one_with_pending_entries()
    {
        var stream = RedisFixture.UniqueName("notifications");
        var streams = new StreamProbe(redis, stream);
        await streams.CreateGroupAsync(Group);
        await streams.AddRawAsync();
        Assert.Single(await streams.ReadAsDeadConsumerAsync(Group, "crashed-with-pending"));
        await redis.Database.ExecuteAsync("XGROUP", "CREATECONSUMER", (RedisKey)streams.Key, Group, "idle-with-nothing");

        var settings = new Dictionary<string, string?>
        {
            ["Messaging:ConsumerIdleTimeout"] = "00:00:00.200",
            ["Messaging:StatsInterval"] = "00:00:00.050",
            // Far away, so the crashed consumer keeps its pending entry throughout the test.
            ["Messaging:ReclaimAfter"] = "01:00:00",
        };
        using var host = await TestBus.Build(redis, stream, new HandlerProbe(), consumer: "cleaner", settings: settings).StartedAsync();

        await Wait.UntilAsync(async () => (await streams.ConsumersAsync(Group)).All(consumer => consumer.Name != "idle-with-nothing"),
            Timeout, "the idle consumer to be removed");
        var consumers = await streams.ConsumersAsync(Group);
        var crashed = Assert.Single(consumers, consumer => consumer.Name == "crashed-with-pending");
        Assert.Equal(1, crashed.PendingMessageCount);
        Assert.True(crashed.IdleTimeInMilliseconds > 200);
        Assert.Contains(consumers, consumer => consumer.Name == "cleaner");
    }
}
