using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

/// <summary>A service's <c>Subscribe&lt;TEvent, THandler&gt;()</c> list is its wiring: it consumes, and it cannot lie.</summary>
public sealed class SubscriptionTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscribing_to_an_event_consumes_its_stream_and_delivers_it_to_the_handler()
    {
        var stream = RedisFixture.UniqueName("notifications");
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, consume: false,
            bus: messaging => messaging.Subscribe<ThingHappened, ThingHappenedHandler>()).StartedAsync();

        await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("subscribed", 1), _cancellation);

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the subscribed handler to handle the event");
        Assert.Equal("subscribed", Assert.Single(probe.Completed).Event.Name);
    }

    [Fact]
    public async Task Subscriptions_that_differ_from_the_handlers_stop_the_start_naming_each_difference()
    {
        var stream = RedisFixture.UniqueName("notifications");
        // Declares a handler Mediator never generated (it is abstract), and leaves out the one it did.
        using var host = TestBus.Build(redis, stream, new HandlerProbe(), consume: false,
            bus: messaging => messaging.Subscribe<ThingHappened, NeverGeneratedHandler>());

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(_cancellation));

        Assert.Contains("NeverGeneratedHandler is subscribed to ThingHappened, but Mediator has no such handler", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ThingHappenedHandler handles ThingHappened, but is not subscribed: add Subscribe<ThingHappened, ThingHappenedHandler>()", refused.Message, StringComparison.Ordinal);
        // Refused before anything reached Redis: no consumer group was created (which would have created the stream).
        foreach (var key in new StreamProbe(redis, stream).Keys)
        {
            Assert.False(await redis.Database.KeyExistsAsync(key), $"{key} exists");
        }
    }

    [Fact]
    public void Subscribing_to_an_event_the_bus_does_not_know_is_refused_where_it_is_written()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => TestBus.Build(redis, RedisFixture.UniqueName("notifications"), new HandlerProbe(),
            consume: false, bus: messaging => messaging.Subscribe<UnregisteredThing, UnregisteredThingHandler>()));

        Assert.Contains("UnregisteredThing is not a registered event", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Abstract: Mediator generates no registration for it.</summary>
    public abstract class NeverGeneratedHandler : INotificationHandler<ThingHappened>
    {
        public abstract ValueTask Handle(ThingHappened notification, CancellationToken cancellationToken);
    }

    public sealed record UnregisteredThing : Events.IntegrationEvent;

    public sealed class UnregisteredThingHandler : INotificationHandler<UnregisteredThing>
    {
        public ValueTask Handle(UnregisteredThing notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
