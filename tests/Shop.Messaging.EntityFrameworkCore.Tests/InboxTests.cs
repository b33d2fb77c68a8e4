using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.Inbox;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.Events;
using Shop.Messaging.EntityFrameworkCore.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Tests;

public sealed class InboxTests(RedisFixture redis)
{
    private const string Group = "counter-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Same_event_written_twice_to_the_stream_applies_its_effect_once()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var faults = new HandlerFaults();
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults).StartedAsync();
        var eventId = Guid.NewGuid();

        await AddEntryAsync(stream, eventId, by: 4);
        var second = await AddEntryAsync(stream, eventId, by: 4);

        await Wait.UntilAsync(() => DeliveredAndAcknowledgedAsync(stream, second), Timeout, "both entries delivered and acknowledged");
        Assert.Equal(4, await Raise.CounterAsync(host, "target"));
        Assert.Single(faults.Calls);
        Assert.Equal(1, await Raise.QueryAsync(host, db => db.Set<InboxMessage>().CountAsync(_cancellation)));
    }

    [Fact]
    public async Task Redelivery_after_a_crash_between_commit_and_ack_applies_the_effect_once()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        await redis.Database.StreamCreateConsumerGroupAsync(stream, Group, StreamPosition.Beginning, createStream: true);
        var eventId = Guid.NewGuid();
        var entryId = await AddEntryAsync(stream, eventId, by: 6);
        // A consumer read it, committed its effect with the inbox record, and died before XACK.
        Assert.Single(await redis.Database.StreamReadGroupAsync(stream, Group, "crashed-instance", StreamPosition.NewMessages));
        var faults = new HandlerFaults();
        var settings = new Dictionary<string, string?> { ["Messaging:ReclaimAfter"] = "00:00:00.200" };
        using (var beforeCrash = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, settings: settings))
        {
            using var scope = beforeCrash.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
            db.Counters.Add(new Counter { Name = "target", Value = 6 });
            db.Set<InboxMessage>().Add(new InboxMessage
            {
                ConsumerGroup = Group, EventId = eventId, EventType = nameof(CounterBumped), Stream = stream,
                EntryId = entryId.ToString(), ProcessedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync(_cancellation);
        }

        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults, settings: settings).StartedAsync();

        await Wait.UntilAsync(async () => (await redis.Database.StreamPendingAsync(stream, Group)).PendingMessageCount == 0,
            Timeout, "the taken-over entry to be acknowledged");
        Assert.Equal(6, await Raise.CounterAsync(host, "target"));
        Assert.Empty(faults.Calls);
    }

    [Fact]
    public async Task Handler_failing_after_writing_commits_neither_effect_nor_inbox_record_and_the_retry_applies_it_once()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var faults = new HandlerFaults { FailAfterWriting = 1 };
        var settings = new Dictionary<string, string?> { ["Messaging:RetryBackoff"] = "00:00:00.010" };
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults, settings: settings).StartedAsync();
        var eventId = Guid.NewGuid();

        var entryId = await AddEntryAsync(stream, eventId, by: 9);

        await Wait.UntilAsync(() => DeliveredAndAcknowledgedAsync(stream, entryId), Timeout, "the entry to be handled and acknowledged");
        Assert.Equal(2, faults.Calls.Count);
        Assert.Equal(9, await Raise.CounterAsync(host, "target"));
        var record = Assert.Single(await Raise.QueryAsync(host, db => db.Set<InboxMessage>().ToListAsync(_cancellation)));
        Assert.Equal((Group, eventId), (record.ConsumerGroup, record.EventId));
    }

    [Fact]
    public async Task Event_excluded_from_the_inbox_runs_on_every_delivery_and_leaves_no_record()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var faults = new HandlerFaults();
        using var host = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults, configure: store => store.WithoutInbox<CounterBumped>());
        await host.StartAsync(_cancellation);
        var eventId = Guid.NewGuid();

        await AddEntryAsync(stream, eventId, by: 1);
        await AddEntryAsync(stream, eventId, by: 1);

        await Wait.UntilAsync(() => faults.Calls.Count == 2, Timeout, "both deliveries handled");
        await Wait.UntilAsync(async () => await Raise.CounterAsync(host, "target") == 2, Timeout, "both effects");
        Assert.Equal(0, await Raise.QueryAsync(host, db => db.Set<InboxMessage>().CountAsync(_cancellation)));
    }

    private Task<bool> DeliveredAndAcknowledgedAsync(string stream, RedisValue lastEntryId) =>
        ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(redis.Database, stream, Group, lastEntryId);

    [Fact]
    public async Task Question_that_arrives_again_while_a_relay_holds_its_answer_unmarked_gets_the_answer_again()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString).StartedAsync();
        var question = Guid.NewGuid();
        await CounterEntries.AddAsync(redis.Database, stream, question, BumpCounter.QuestionPrefix + "1", by: 1);
        await Wait.UntilAsync(async () => (await AnswersAsync(stream)).Length == 1, Timeout, "the answer in the stream");
        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AllAsync(row => row.PublishedAt != null, _cancellation)),
            Timeout, "the answer's row marked published");

        // A relay in the middle of sending the answer (again): it holds the row under its lease, it may have sent the
        // entry already, and it has not marked the row yet. Its lease would keep every other relay away for an hour.
        await Raise.QueryAsync(host, db => db.Set<OutboxMessage>().ExecuteUpdateAsync(update => update
            .SetProperty(row => row.PublishedAt, (DateTime?)null)
            .SetProperty(row => row.LeaseToken, "a-relay-in-flight")
            .SetProperty(row => row.LeasedUntil, DateTime.UtcNow.AddHours(1)), _cancellation));
        await CounterEntries.AddAsync(redis.Database, stream, question, BumpCounter.QuestionPrefix + "1", by: 1);

        // The repeat releases the row from that lease, so the answer goes out again now, with the same event id.
        await Wait.UntilAsync(async () => (await AnswersAsync(stream)).Length == 2, Timeout, "the answer published again");
        var answers = await AnswersAsync(stream);
        Assert.Equal(answers[0][EntryFields.Id], answers[1][EntryFields.Id]);
        Assert.Equal(1, await Raise.CounterAsync(host, BumpCounter.QuestionPrefix + "1")); // the question applied once
    }

    private async Task<StreamEntry[]> AnswersAsync(string stream) =>
        [.. (await redis.Database.StreamRangeAsync(stream)).Where(entry => entry[EntryFields.Data].ToString().Contains(BumpCounter.AnswerPrefix, StringComparison.Ordinal))];

    private Task<RedisValue> AddEntryAsync(string stream, Guid eventId, int by) =>
        CounterEntries.AddAsync(redis.Database, stream, eventId, "target", by);
}
