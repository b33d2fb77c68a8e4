using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.EntityFrameworkCore.Inbox;
using Shop.Messaging.EntityFrameworkCore.Tests.Support;
using Shop.Messaging.Events;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Tests;

/// <summary>
/// Batched handling: the entries of one read applied in one SQLite transaction. Each test writes its entries before the
/// consumer starts, so its first read returns them all, as one batch.
/// </summary>
public sealed class BatchTests(RedisFixture redis)
{
    private const string Group = "counter-service";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entries_of_one_read_commit_in_one_transaction_in_stream_order_per_key()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var faults = new HandlerFaults();
        // Three "orders" interleaved: each key's amounts must be applied in the order they were written.
        var entries = Enumerable.Range(1, 30).Select(i => (Counter: $"order-{i % 3}", By: i)).ToList();
        RedisValue last = default;
        foreach (var (counter, by) in entries)
        {
            last = await AddEntryAsync(stream, Guid.NewGuid(), counter, by);
        }

        using var host = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults);
        using var batches = Collect<long>(host, "shop.messaging.batch.size");
        await host.StartAsync(_cancellation);

        await Wait.UntilAsync(() => DeliveredAndAcknowledgedAsync(stream, last), Timeout, "every entry handled and acknowledged");
        Assert.Equal(30, Assert.Single(batches.GetMeasurementSnapshot()).Value);
        foreach (var key in entries.GroupBy(entry => entry.Counter))
        {
            Assert.Equal(key.Select(entry => entry.By), faults.Applied.Where(applied => applied.Counter == key.Key).Select(applied => applied.By));
            Assert.Equal(key.Sum(entry => entry.By), await Raise.CounterAsync(host, key.Key));
        }

        Assert.Equal(30, await Raise.QueryAsync(host, db => db.Set<InboxMessage>().CountAsync(_cancellation)));
    }

    [Fact]
    public async Task Same_event_twice_inside_one_batch_applies_its_effect_once()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var faults = new HandlerFaults();
        var twice = Guid.NewGuid();
        await AddEntryAsync(stream, Guid.NewGuid(), "target", 1);
        await AddEntryAsync(stream, twice, "target", 10);
        await AddEntryAsync(stream, Guid.NewGuid(), "target", 100);
        var last = await AddEntryAsync(stream, twice, "target", 10);

        using var host = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults);
        using var batches = Collect<long>(host, "shop.messaging.batch.size");
        using var duplicates = Collect<long>(host, "shop.messaging.duplicates");
        await host.StartAsync(_cancellation);

        await Wait.UntilAsync(() => DeliveredAndAcknowledgedAsync(stream, last), Timeout, "every entry handled and acknowledged");
        Assert.Equal(4, Assert.Single(batches.GetMeasurementSnapshot()).Value);
        Assert.Equal(111, await Raise.CounterAsync(host, "target"));
        Assert.Equal(3, faults.Calls.Count);
        Assert.Equal(1, duplicates.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, await Raise.QueryAsync(host, db => db.Set<InboxMessage>().CountAsync(_cancellation)));
    }

    [Fact]
    public async Task Poison_entry_rolls_its_batch_back_then_the_others_apply_once_one_by_one_and_it_is_dead_lettered()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var faults = new HandlerFaults { AlwaysFailing = ["poison"] };
        await AddEntryAsync(stream, Guid.NewGuid(), "target", 1);
        await AddEntryAsync(stream, Guid.NewGuid(), "target", 2);
        var poison = await AddEntryAsync(stream, Guid.NewGuid(), "poison", 1);
        var last = await AddEntryAsync(stream, Guid.NewGuid(), "target", 4);
        // One delivery, two attempts in it: the poison entry is dead-lettered on its first one-by-one delivery.
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:MaxDeliveries"] = "1", ["Messaging:HandlerAttempts"] = "2", ["Messaging:RetryBackoff"] = "00:00:00.010",
        };

        using var host = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults, settings: settings);
        using var batches = Collect<long>(host, "shop.messaging.batch.size");
        using var rolledBack = Collect<long>(host, "shop.messaging.batch.rolled_back");
        await host.StartAsync(_cancellation);

        await Wait.UntilAsync(() => DeliveredAndAcknowledgedAsync(stream, last), Timeout, "every entry settled and acknowledged");
        Assert.Equal(1, rolledBack.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Empty(batches.GetMeasurementSnapshot());
        Assert.Equal(7, await Raise.CounterAsync(host, "target"));
        Assert.Equal(0, await Raise.CounterAsync(host, "poison"));
        // The batch ran up to the poison entry, the fallback ran every entry again; only the fallback's effects committed.
        Assert.Equal([1, 2, 1, 2, 4], faults.Applied.Where(applied => applied.Counter == "target").Select(applied => applied.By));
        var deadLetter = Assert.Single(await redis.Database.StreamRangeAsync(StreamNames.DeadLetter(stream)));
        Assert.Equal(poison.ToString(), deadLetter["originalId"].ToString());
        Assert.Equal(3, await Raise.QueryAsync(host, db => db.Set<InboxMessage>().CountAsync(_cancellation)));
    }

    [Fact]
    public async Task Crash_between_the_batch_commit_and_its_ack_redelivers_it_and_the_inbox_absorbs_every_entry()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var ids = new List<RedisValue>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add(await AddEntryAsync(stream, Guid.NewGuid(), "target", i));
        }

        // A user that may do everything but XACK: the batch commits, its acknowledgement is refused, as if the process
        // had died right after the commit.
        var user = RedisFixture.UniqueName("no-ack");
        var password = Guid.NewGuid().ToString("N");
        await redis.Database.ExecuteAsync("ACL", "SETUSER", user, "reset", "on", $">{password}", "~*", "&*", "+@all", "-xack");
        try
        {
            var options = ConfigurationOptions.Parse(redis.ConnectionString);
            options.User = user;
            options.Password = password;
            var settings = new Dictionary<string, string?> { ["Messaging:ConsumerName"] = "restarted-instance" };
            var faults = new HandlerFaults();
            using (var crashing = StoreHost.Build(options.ToString(includePassword: true), stream, database.ConnectionString, faults, settings: settings))
            {
                await crashing.StartAsync(_cancellation);
                await Wait.UntilAsync(async () => await Raise.CounterAsync(crashing, "target") == 15, Timeout, "the batch committed");
            }

            Assert.Equal(5, (await redis.Database.StreamPendingAsync(stream, Group)).PendingMessageCount);
            using var restarted = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, faults, settings: settings);
            using var duplicates = Collect<long>(restarted, "shop.messaging.duplicates");
            await restarted.StartAsync(_cancellation);

            await Wait.UntilAsync(() => DeliveredAndAcknowledgedAsync(stream, ids[^1]), Timeout, "the redelivered batch acknowledged");
            Assert.Equal(15, await Raise.CounterAsync(restarted, "target"));
            Assert.Equal(5, faults.Calls.Count);
            Assert.Equal(5, duplicates.GetMeasurementSnapshot().EvaluateAsCounter());
        }
        finally
        {
            await redis.Database.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    private static MetricCollector<T> Collect<T>(IHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), MessagingTelemetry.MeterName, instrument);

    private Task<bool> DeliveredAndAcknowledgedAsync(string stream, RedisValue lastEntryId) =>
        ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(redis.Database, stream, Group, lastEntryId);

    private Task<RedisValue> AddEntryAsync(string stream, Guid eventId, string counter, int by) =>
        CounterEntries.AddAsync(redis.Database, stream, eventId, counter, by);
}
