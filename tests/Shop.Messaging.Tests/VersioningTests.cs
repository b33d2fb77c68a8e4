using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.Tests;

/// <summary>
/// Versioned contracts through the real bus: an entry names its version, older versions reach the handler upcast to
/// the current record, and a version the service does not read is dead-lettered at once with the reason.
/// </summary>
public sealed class VersioningTests(RedisFixture redis)
{
    private const string Group = "test-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    /// <summary>ThingHappened is version 2; version 1 called its name <c>title</c>.</summary>
    private static void ReadsVersion1(MessagingBuilder bus) =>
        bus.AddOlderVersion(1, TestEventsJsonContext.Default.ThingHappenedV1, (ThingHappenedV1 old) => new ThingHappened(old.Title, old.Number));

    [Fact]
    public async Task Published_entry_names_the_current_version_of_its_event()
    {
        var stream = RedisFixture.UniqueName("orders");
        using var host = TestBus.Build(redis, stream, new HandlerProbe(), consume: false, thingVersion: 2, bus: ReadsVersion1);

        await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("now", 1), _cancellation);

        Assert.Equal("2", Assert.Single(await new StreamProbe(redis, stream).EntriesAsync())[EntryFields.Version]);
    }

    [Fact]
    public async Task Entry_of_an_older_version_reaches_the_handler_upcast_to_the_current_record()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, thingVersion: 2, bus: ReadsVersion1).StartedAsync();
        var eventId = Guid.NewGuid();

        // Written before versions existed: no version field, the old shape.
        await streams.AddRawAsync(data: """{"title":"from version 1","number":7}""", eventId: eventId.ToString());

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the version 1 entry to be handled");
        var handled = Assert.Single(probe.Completed);
        Assert.Equal(("from version 1", 7), (handled.Event.Name, handled.Event.Number));
        Assert.Equal(eventId, handled.Event.Id);
        Assert.Empty(await streams.DeadLettersAsync());
    }

    [Fact]
    public async Task A_compatible_change_needs_no_version_entries_without_the_new_optional_field_and_with_fields_unknown_here_are_read()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();

        // Written before Colour existed; and by a producer that added a field this consumer does not know yet.
        await streams.AddRawAsync(data: """{"name":"before colour","number":1}""");
        await streams.AddRawAsync(data: """{"name":"newer producer","number":2,"colour":"red","size":"XL"}""");

        await Wait.UntilAsync(() => probe.Completed.Count == 2, Timeout, "both entries to be handled");
        Assert.Equal([("before colour", (string?)null), ("newer producer", "red")],
            probe.Completed.OrderBy(call => call.Event.Number).Select(call => (call.Event.Name, call.Event.Colour)));
        Assert.Empty(await streams.DeadLettersAsync());
    }

    [Fact]
    public async Task A_chain_of_upcasters_takes_the_oldest_version_to_the_current_record()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, thingVersion: 3, bus: bus => bus
            .AddOlderVersion(2, TestEventsJsonContext.Default.ThingHappenedV2, (ThingHappenedV2 old) => new ThingHappened(old.Name, int.Parse(old.Number, System.Globalization.CultureInfo.InvariantCulture)))
            .AddOlderVersion(1, TestEventsJsonContext.Default.ThingHappenedV1, (ThingHappenedV1 old) => new ThingHappenedV2(old.Title, old.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .StartedAsync();

        await streams.AddRawAsync(data: """{"title":"one","number":1}""");
        await streams.AddRawAsync(data: """{"name":"two","number":"2"}""", version: "2");
        await streams.AddRawAsync(data: """{"name":"three","number":3}""", version: "3");

        await Wait.UntilAsync(() => probe.Completed.Count == 3, Timeout, "an entry of each version to be handled");
        Assert.Equal([("one", 1), ("two", 2), ("three", 3)], probe.Completed.OrderBy(call => call.Event.Number).Select(call => (call.Event.Name, call.Event.Number)));
    }

    [Fact]
    public async Task A_new_group_starting_from_the_beginning_handles_the_entries_of_every_version()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        // The stream's history before this group exists: one entry from before versions, one published as version 2.
        await streams.AddRawAsync(data: """{"title":"history","number":1}""");
        using (var publisher = TestBus.Build(redis, stream, new HandlerProbe(), consume: false, thingVersion: 2, bus: ReadsVersion1))
        {
            await publisher.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("history", 2), _cancellation);
        }

        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, service: "new-subscriber", thingVersion: 2, bus: ReadsVersion1).StartedAsync();

        await Wait.UntilAsync(() => probe.Completed.Count == 2, Timeout, "both entries of the history");
        Assert.All(probe.Completed, call => Assert.Equal("history", call.Event.Name));
        Assert.Empty(await streams.DeadLettersAsync());
    }

    [Theory]
    [InlineData("3", "ThingHappened version 3 is newer than this service reads (up to version 2): a producer was upgraded before its consumers. Upgrade this service, then replay the dead letter.")]
    [InlineData("0", "Malformed entry: The 'version' field is not a positive integer: '0'.")]
    [InlineData("-1", "Malformed entry: The 'version' field is not a positive integer: '-1'.")]
    [InlineData("two", "Malformed entry: The 'version' field is not a positive integer: 'two'.")]
    [InlineData("1.5", "Malformed entry: The 'version' field is not a positive integer: '1.5'.")]
    public async Task Entry_of_a_version_the_service_cannot_read_is_dead_lettered_at_once_and_the_next_is_handled(string version, string reason)
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, thingVersion: 2, bus: ReadsVersion1).StartedAsync();

        var unreadable = await streams.AddRawAsync(data: """{"name":"from the future","number":1}""", version: version);
        await streams.AddRawAsync(data: """{"name":"behind it","number":2}""", version: "2");

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1 && probe.Completed.Count == 1, Timeout, "the dead letter and the next entry");
        var deadLetter = Assert.Single(await streams.DeadLettersAsync());
        Assert.Equal(reason, deadLetter[EntryFields.Error]);
        Assert.Equal(unreadable, deadLetter[EntryFields.OriginalId]);
        Assert.Equal("1", deadLetter[EntryFields.Deliveries]);
        Assert.Equal("behind it", Assert.Single(probe.Completed).Event.Name);
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "both entries acknowledged");
    }

    [Fact]
    public async Task Entry_of_a_version_no_longer_read_is_dead_lettered_naming_the_versions_that_are()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        // Version 3 is current and version 2 still read; version 1 was retired.
        using var host = await TestBus.Build(redis, stream, new HandlerProbe(), thingVersion: 3, bus: bus => bus
            .AddOlderVersion(2, TestEventsJsonContext.Default.ThingHappenedV2, (ThingHappenedV2 old) => new ThingHappened(old.Name, 0)))
            .StartedAsync();

        await streams.AddRawAsync(data: """{"title":"retired","number":1}""");

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        Assert.Equal("ThingHappened version 1 is no longer read by this service (it reads versions 2, 3).",
            Assert.Single(await streams.DeadLettersAsync())[EntryFields.Error]);
    }

    [Fact]
    public async Task Older_version_that_breaks_its_own_rules_is_dead_lettered_with_them_before_any_upcast()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, thingVersion: 2, bus: ReadsVersion1).StartedAsync();

        await streams.AddRawAsync(data: """{"title":"lies","number":-1}""");

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        Assert.Equal("Invalid ThingHappened version 1: number is negative.", Assert.Single(await streams.DeadLettersAsync())[EntryFields.Error]);
        Assert.Empty(probe.Started);
    }

    [Theory]
    [InlineData(2, "is registered as version 2 of ThingHappened, whose current version is 2")]
    [InlineData(3, "is registered as version 3 of ThingHappened, whose current version is 2")]
    public void Older_version_at_or_above_the_current_one_stops_the_start(int version, string message)
    {
        using var host = TestBus.Build(redis, RedisFixture.UniqueName("orders"), new HandlerProbe(), consume: false, thingVersion: 2,
            bus: bus => bus.AddOlderVersion(version, TestEventsJsonContext.Default.ThingHappenedV1, (ThingHappenedV1 old) => new ThingHappened(old.Title, old.Number)));

        var refused = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<EventCatalog>());

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upcaster_to_a_shape_that_is_neither_an_event_nor_an_older_version_stops_the_start()
    {
        using var host = TestBus.Build(redis, RedisFixture.UniqueName("orders"), new HandlerProbe(), consume: false, thingVersion: 3,
            bus: bus => bus.AddOlderVersion(1, TestEventsJsonContext.Default.ThingHappenedV1, (ThingHappenedV1 old) => new ThingHappenedV2(old.Title, "0")));

        var refused = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<EventCatalog>());

        Assert.Contains("ThingHappenedV1 (version 1) upcasts to ThingHappenedV2, which is neither a registered event nor a registered older version.", refused.Message, StringComparison.Ordinal);
    }
}
