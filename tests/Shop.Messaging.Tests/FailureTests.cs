using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class FailureTests(RedisFixture redis)
{
    private const string Group = "test-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public void Dead_letter_reason_names_every_exception_of_the_chain_outer_to_inner()
    {
        var failure = new InvalidOperationException("See the inner exception for details.",
            new IOException("the disk said no", new UnauthorizedAccessException("read-only file")));

        Assert.Equal(
            "System.InvalidOperationException: See the inner exception for details. ---> System.IO.IOException: the disk said no"
            + " ---> System.UnauthorizedAccessException: read-only file",
            Shop.Messaging.Consuming.FailureReason.Of(failure));
    }

    [Fact]
    public async Task Handler_whose_database_is_down_keeps_its_entry_in_hand_until_it_is_back_and_dead_letters_nothing()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:MaxDeliveries"] = "2",
            ["Messaging:HandlerAttempts"] = "2",
            ["Messaging:RetryBackoff"] = "00:00:00.010",
            ["Messaging:ReclaimAfter"] = "00:00:00.200",
        };
        // The database is "down" for the first 16 attempts: eight rounds of two, with pauses that double from 10 ms, ~2.5 s
        // in all — many times MaxDeliveries × ReclaimAfter, after which an entry failing for its own sake is dead-lettered.
        const int failingAttempts = 16;
        var attempts = 0;
        var probe = new HandlerProbe
        {
            Behaviour = (_, _, _) => Interlocked.Increment(ref attempts) <= failingAttempts
                ? throw new DatabaseDown()
                : Task.CompletedTask,
        };
        using var host = await TestBus.Build(redis, stream, probe, consumer: "only-instance", settings: settings).StartedAsync();
        var started = DateTime.UtcNow;

        await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("while the database restarts", 1), _cancellation);

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the entry handled once the database is back");
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromMilliseconds(2 * 200), "the outage outlasted MaxDeliveries × ReclaimAfter");
        Assert.Equal(failingAttempts + 1, probe.Started.Count);
        // Kept in hand all along: never taken over, so never delivered again.
        Assert.All(probe.Started, call => Assert.Equal(1L, call.DeliveryCount));
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "the entry acknowledged");
        Assert.Empty(await streams.DeadLettersAsync());
    }

    /// <summary>What a database provider throws for a connection it lost (Npgsql's, SQLite's busy timeout): transient.</summary>
    private sealed class DatabaseDown() : System.Data.Common.DbException("the database server is restarting")
    {
        public override bool IsTransient => true;
    }

    [Fact]
    public async Task Failing_handler_is_retried_then_dead_lettered_after_MaxDeliveries_while_later_entries_flow()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:MaxDeliveries"] = "3",
            ["Messaging:HandlerAttempts"] = "2",
            ["Messaging:RetryBackoff"] = "00:00:00.010",
            ["Messaging:ReclaimAfter"] = "00:00:00.200",
        };
        var probe = new HandlerProbe
        {
            Behaviour = (@event, _, _) => @event.Name == "poison"
                ? throw new InvalidOperationException($"cannot handle {@event.Number}")
                : Task.CompletedTask,
        };
        using var host = await TestBus.Build(redis, stream, probe, consumer: "only-instance", settings: settings).StartedAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        var poisonId = await publisher.PublishAsync(new ThingHappened("poison", 42), _cancellation);
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync(new ThingHappened("healthy", i), _cancellation);
        }

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the poison entry to be dead-lettered");
        var deadLetter = Assert.Single(await streams.DeadLettersAsync());
        Assert.Equal(poisonId, deadLetter[EntryFields.OriginalId]);
        Assert.Equal(Group, deadLetter[EntryFields.Group]);
        Assert.Equal("only-instance", deadLetter[EntryFields.Consumer]);
        Assert.Equal("3", deadLetter[EntryFields.Deliveries]);
        Assert.Contains("cannot handle 42", deadLetter[EntryFields.Error].ToString(), StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), deadLetter[EntryFields.Error].ToString(), StringComparison.Ordinal);
        Assert.Equal(nameof(ThingHappened), deadLetter[EntryFields.Type]);
        Assert.False(deadLetter[EntryFields.Data].IsNullOrEmpty);

        // Two attempts in each of three deliveries; the healthy entries went through long before the last one.
        Assert.Equal(6, probe.Started.Count(call => call.Event.Name == "poison"));
        Assert.Equal([1L, 1L, 2L, 2L, 3L, 3L], probe.Started.Where(call => call.Event.Name == "poison").Select(call => call.DeliveryCount));
        Assert.Equal([0, 1, 2], probe.Completed.Select(call => call.Event.Number));
        var lastPoisonAttempt = probe.Started.Last(call => call.Event.Name == "poison").At;
        Assert.All(probe.Completed, call => Assert.True(call.At < lastPoisonAttempt));
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "the poison entry to be acknowledged");
    }

    [Theory]
    [InlineData("""{"name":"wrong type","number":"seven"}""", "not a valid ThingHappened")]
    [InlineData("""{"name": """, "not a valid ThingHappened")]
    [InlineData("null", "JSON null")]
    [InlineData("""{"name":"two values","number":1} {"name":"b","number":2}""", "after a single JSON value")]
    [InlineData("""{"name":"trailing","number":1} garbage""", "not a valid ThingHappened")]
    [InlineData("""{"name":"deep","number":1,"extra":DEEP}""", "depth")]
    public async Task Entry_with_malformed_data_is_dead_lettered_at_once_with_the_reason(string data, string reason)
    {
        // 40 nested arrays inside the object: deeper than Messaging:MaxJsonDepth (32).
        data = data.Replace("DEEP", new string('[', 40) + "1" + new string(']', 40), StringComparison.Ordinal);
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();

        var badId = await streams.AddRawAsync(data: data);
        await streams.AddRawAsync(data: """{"name":"fine","number":2}""");

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the entry behind the malformed one");
        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        var deadLetter = Assert.Single(await streams.DeadLettersAsync());
        Assert.Equal(badId, deadLetter[EntryFields.OriginalId]);
        Assert.Equal("1", deadLetter[EntryFields.Deliveries]);
        Assert.Contains(reason, deadLetter[EntryFields.Error].ToString(), StringComparison.Ordinal);
        Assert.Equal(data, deadLetter[EntryFields.Data]);
        Assert.Equal("fine", Assert.Single(probe.Completed).Event.Name);
        await Wait.UntilAsync(async () => (await streams.PendingAsync(Group)).Length == 0, Timeout, "both acknowledged");
    }

    [Theory]
    [InlineData(EntryFields.Id)]
    [InlineData(EntryFields.Type)]
    [InlineData(EntryFields.Data)]
    [InlineData(EntryFields.OccurredAt)]
    public async Task Entry_missing_a_contract_field_is_dead_lettered_naming_the_field(string missing)
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        using var host = await TestBus.Build(redis, stream, new HandlerProbe()).StartedAsync();

        await streams.AddRawAsync(without: missing);

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        var error = Assert.Single(await streams.DeadLettersAsync())[EntryFields.Error].ToString();
        Assert.Contains($"no '{missing}' field", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entry_larger_than_MaxEntryBytes_is_dead_lettered_unread_without_its_payload_while_the_next_one_is_handled()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe, settings: new Dictionary<string, string?> { ["Messaging:MaxEntryBytes"] = "2048" }).StartedAsync();

        var bigId = await streams.AddRawAsync(data: $$"""{"name":"{{new string('x', 3000)}}","number":1}""");
        await streams.AddRawAsync(data: """{"name":"small","number":2}""");

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the entry behind the big one");
        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        var deadLetter = Assert.Single(await streams.DeadLettersAsync());
        Assert.Equal(bigId, deadLetter[EntryFields.OriginalId]);
        Assert.Contains("over the limit of 2048 (Messaging:MaxEntryBytes)", deadLetter[EntryFields.Error].ToString(), StringComparison.Ordinal);
        // The payload is not copied a second time: the dead letter keeps the envelope and says what it left out.
        Assert.True(deadLetter[EntryFields.Data].IsNull, "the oversized data is not copied");
        Assert.Equal(nameof(ThingHappened), deadLetter[EntryFields.Type]);
        Assert.False(deadLetter[EntryFields.Id].IsNull);
        Assert.Matches(@"^data \(\d+ bytes\)$", deadLetter[EntryFields.Omitted].ToString());
        Assert.Equal("small", Assert.Single(probe.Started).Event.Name);
    }

    [Fact]
    public async Task Entry_with_an_event_id_that_is_not_a_guid_is_dead_lettered()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        using var host = await TestBus.Build(redis, stream, new HandlerProbe()).StartedAsync();

        await streams.AddRawAsync(eventId: "not-a-guid");

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        Assert.Contains("not a GUID", Assert.Single(await streams.DeadLettersAsync())[EntryFields.Error].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entry_delivered_more_often_than_MaxDeliveries_is_dead_lettered_without_running_its_handler()
    {
        // E.g. a handler that kills its process: it never fails cleanly, so only the delivery count can stop it.
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        await streams.CreateGroupAsync(Group);
        var entryId = await streams.AddRawAsync();
        await streams.ReadAsDeadConsumerAsync(Group, "crashed-0");
        for (var delivery = 1; delivery <= 2; delivery++)
        {
            // XCLAIM without JUSTID counts a delivery, as a crashed consumer's XAUTOCLAIM would.
            await redis.Database.StreamClaimAsync(streams.Key, Group, $"crashed-{delivery}", 0, [entryId]);
        }

        var probe = new HandlerProbe();
        var settings = new Dictionary<string, string?> { ["Messaging:MaxDeliveries"] = "2", ["Messaging:ReclaimAfter"] = "00:00:00.100" };
        using var host = await TestBus.Build(redis, stream, probe, settings: settings).StartedAsync();

        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        Assert.Contains("more than MaxDeliveries", Assert.Single(await streams.DeadLettersAsync())[EntryFields.Error].ToString(), StringComparison.Ordinal);
        Assert.Empty(probe.Started);
    }
}
