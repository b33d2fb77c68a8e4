using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class DeliveryTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_event_is_handled_once_and_acknowledged()
    {
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();

        var published = new ThingHappened("first", 1) { OccurredAt = new DateTimeOffset(2026, 11, 27, 8, 30, 15, 123, TimeSpan.Zero) };
        var entryId = await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(published, _cancellation);

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the handler to run");
        var call = Assert.Single(probe.Completed);
        Assert.Equal(published, call.Event);
        Assert.Equal(published.Id, call.EventId);
        Assert.Equal(entryId, call.EntryId);
        Assert.Equal(1, call.DeliveryCount);
        var streams = new StreamProbe(redis, stream);
        await Wait.UntilAsync(async () => (await streams.PendingAsync("test-service")).Length == 0, Timeout, "the acknowledgement");
        await host.StopAsync(_cancellation);
        Assert.Single(probe.Started);
    }

    [Fact]
    public async Task Backlog_of_many_batches_is_handled_in_stream_order_and_all_acknowledged()
    {
        // 95 entries waiting, read 10 at a time: every read comes back full, so the consumer reads the next batch
        // ahead while it handles the current one.
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        using var publisher = TestBus.Build(redis, stream, new HandlerProbe(), consume: false);
        await publisher.StartAsync(_cancellation);
        var events = publisher.Services.GetRequiredService<IEventPublisher>();
        for (var i = 0; i < 95; i++)
        {
            await events.PublishAsync(new ThingHappened("backlog", i), _cancellation);
        }

        using var host = await TestBus.Build(redis, stream, probe, settings: new Dictionary<string, string?> { ["Messaging:BatchSize"] = "10" }).StartedAsync();

        await Wait.UntilAsync(() => probe.Completed.Count == 95, Timeout, "the whole backlog");
        Assert.Equal(Enumerable.Range(0, 95), probe.Completed.Select(call => call.Event.Number));
        Assert.Equal(95, probe.Started.Count);
        var streams = new StreamProbe(redis, stream);
        await Wait.UntilAsync(async () => (await streams.PendingAsync("test-service")).Length == 0, Timeout, "every entry acknowledged");
    }

    [Theory]
    [InlineData("2026-11-27T08:30:15.1230000Z")]            // what the bus writes
    [InlineData("2026-11-27T09:30:15.1230000+01:00")]       // round-trip format with an offset
    [InlineData("2026-11-27T08:30:15.123Z")]                // shorter fraction
    [InlineData("2026-11-27T08:30:15.123")]                 // no offset: read as UTC
    public async Task OccurredAt_in_any_ISO_8601_form_reaches_the_handler_as_the_same_instant(string occurredAt)
    {
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();

        await new StreamProbe(redis, stream).AddRawAsync(occurredAt: occurredAt);

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the handler to run");
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 30, 15, 123, TimeSpan.Zero), Assert.Single(probe.Completed).Event.OccurredAt);
    }

    [Fact]
    public async Task Every_consumer_group_receives_every_event()
    {
        var stream = RedisFixture.UniqueName("orders");
        var (billing, shipping) = (new HandlerProbe(), new HandlerProbe());
        using var billingHost = await TestBus.Build(redis, stream, billing, service: "billing").StartedAsync();
        using var shippingHost = await TestBus.Build(redis, stream, shipping, service: "shipping").StartedAsync();

        var publisher = billingHost.Services.GetRequiredService<IEventPublisher>();
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync(new ThingHappened("fan-out", i), _cancellation);
        }

        await Wait.UntilAsync(() => billing.Completed.Count == 20 && shipping.Completed.Count == 20, Timeout, "both groups to handle all 20");
        Assert.Equal(Enumerable.Range(0, 20), billing.Completed.Select(call => call.Event.Number));
        Assert.Equal(Enumerable.Range(0, 20), shipping.Completed.Select(call => call.Event.Number));
    }

    [Fact]
    public async Task Consumers_of_one_group_split_the_events_and_handle_each_once()
    {
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        // A handler slower than a publish lets the second consumer win some reads.
        probe.Behaviour = (_, _, cancellation) => Task.Delay(5, cancellation);
        using var first = await TestBus.Build(redis, stream, probe, consumer: "instance-1").StartedAsync();
        using var second = await TestBus.Build(redis, stream, probe, consumer: "instance-2").StartedAsync();
        // Both must be waiting before the first publish, or the first to read takes a whole batch.
        var streams = new StreamProbe(redis, stream);
        await Wait.UntilAsync(async () => await streams.IsReaderBlockedAsync("instance-1") && await streams.IsReaderBlockedAsync("instance-2"),
            Timeout, "both consumers to wait for entries");

        var publisher = first.Services.GetRequiredService<IEventPublisher>();
        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAsync(new ThingHappened("split", i), _cancellation);
        }

        await Wait.UntilAsync(() => probe.Completed.Count >= 100, Timeout, "all 100 to be handled");
        Assert.Equal(Enumerable.Range(0, 100), probe.Completed.Select(call => call.Event.Number).Order());
        Assert.Contains(probe.Completed, call => call.Consumer == "instance-1");
        Assert.Contains(probe.Completed, call => call.Consumer == "instance-2");
    }

    [Fact]
    public async Task Same_event_written_twice_reaches_the_handler_twice_with_one_event_id()
    {
        // At-least-once: the bus does not hide a repeated entry; it hands the handler the same event id both
        // times, which is what the inbox keys on to apply the effect once.
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();
        var streams = new StreamProbe(redis, stream);
        var eventId = Guid.NewGuid().ToString();

        await streams.AddRawAsync(eventId: eventId);
        await streams.AddRawAsync(eventId: eventId);

        await Wait.UntilAsync(() => probe.Completed.Count == 2, Timeout, "both deliveries");
        Assert.All(probe.Completed, call => Assert.Equal(Guid.Parse(eventId), call.EventId));
        Assert.All(probe.Completed, call => Assert.Equal(Guid.Parse(eventId), call.Event.Id));
    }

    [Fact]
    public async Task Entry_of_a_type_without_a_handler_is_acknowledged_and_skipped()
    {
        var stream = RedisFixture.UniqueName("orders");
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();
        var streams = new StreamProbe(redis, stream);

        await streams.AddRawAsync(type: "NobodyCares", data: """{"note":"registered, no handler"}""");
        await streams.AddRawAsync(type: "SomethingNobodyKnows", data: "{}");
        await streams.AddRawAsync(data: """{"name":"after","number":3}""");

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the entry behind the skipped ones");
        await Wait.UntilAsync(async () => (await streams.PendingAsync("test-service")).Length == 0, Timeout, "all three acknowledged");
        Assert.Equal("after", Assert.Single(probe.Completed).Event.Name);
        Assert.Empty(await streams.DeadLettersAsync());
    }
}
