using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Tests.Support;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Tests;

public sealed class OutboxTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Committed_event_is_published_at_once_without_waiting_for_the_sweep()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        // A sweep an hour away: only the wake-up after the commit can publish in time.
        var settings = new Dictionary<string, string?> { ["Messaging:Outbox:SweepInterval"] = "01:00:00" };
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();
        var raised = new CounterBumped("target", 3);

        await Raise.CommittedAsync(host, "source", raised);

        await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync(stream) == 1, Timeout, "the event in its stream");
        var entry = Assert.Single(await redis.Database.StreamRangeAsync(stream));
        Assert.Equal(raised.Id.ToString(), entry[EntryFields.Id]);
        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AllAsync(row => row.PublishedAt != null, _cancellation)),
            Timeout, "the row marked published");
    }

    [Fact]
    public async Task Event_committed_in_an_explicit_transaction_is_published_when_the_transaction_commits()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var settings = new Dictionary<string, string?> { ["Messaging:Outbox:SweepInterval"] = "01:00:00" };
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();

        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(_cancellation);
            db.Counters.Add(new Counter { Name = "source", Value = 1 });
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(new CounterBumped("target", 1));
            await db.SaveChangesAsync(_cancellation);
            await transaction.CommitAsync(_cancellation);
        }

        await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync(stream) == 1, Timeout, "the event in its stream");
    }

    [Fact]
    public async Task Rolled_back_transaction_publishes_nothing()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false).StartedAsync();
        var rolledBack = new CounterBumped("target", 1);

        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(_cancellation);
            db.Counters.Add(new Counter { Name = "rolled-back", Value = 1 });
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(rolledBack);
            await db.SaveChangesAsync(_cancellation);
            await transaction.RollbackAsync(_cancellation);
        }

        // A later committed event is published; had the rolled-back one been, it would stand before it.
        var committed = new CounterBumped("target", 2);
        await Raise.CommittedAsync(host, "committed", committed);
        await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync(stream) >= 1, Timeout, "the committed event");
        var entry = Assert.Single(await redis.Database.StreamRangeAsync(stream));
        Assert.Equal(committed.Id.ToString(), entry[EntryFields.Id]);
        Assert.Equal(0, await Raise.CounterAsync(host, "rolled-back"));
        Assert.Equal(1, await Raise.QueryAsync(host, db => db.Set<OutboxMessage>().CountAsync(_cancellation)));
    }

    [Fact]
    public async Task Event_committed_while_Redis_is_unreachable_is_published_once_Redis_is_back()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var port = LocalRedisServer.FreeLoopbackPort();
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Outbox:RetryBackoff"] = "00:00:00.050",
            ["Messaging:Outbox:MaxRetryBackoff"] = "00:00:00.200",
        };
        using var host = await StoreHost.Build($"127.0.0.1:{port},connectTimeout=200", stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();
        var raised = new CounterBumped("target", 5);

        await Raise.CommittedAsync(host, "source", raised);

        // The change is committed and the event waits in the outbox, having failed to go out at least once.
        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AnyAsync(row => row.Attempts > 0, _cancellation)),
            Timeout, "a failed publish attempt");
        Assert.Equal(5, await Raise.CounterAsync(host, "source"));

        await using var server = await DedicatedRedis.StartAsync(port);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);

        await Wait.UntilAsync(async () => await connection.GetDatabase().StreamLengthAsync(stream) == 1, Timeout, "the event once Redis is back");
        Assert.Equal(raised.Id.ToString(), Assert.Single(await connection.GetDatabase().StreamRangeAsync(stream))[EntryFields.Id]);
        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AllAsync(row => row.PublishedAt != null, _cancellation)),
            Timeout, "the row marked published");
    }

    [Fact]
    public async Task Event_committed_while_Redis_is_out_of_memory_stays_in_the_outbox_and_is_published_once_memory_is_back()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        await using var server = await DedicatedRedis.StartAsync(LocalRedisServer.FreeLoopbackPort());
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{server.ConnectionString},allowAdmin=true");
        var redisServer = admin.GetServer(admin.GetEndPoints()[0]);
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Outbox:RetryBackoff"] = "00:00:00.050",
            ["Messaging:Outbox:MaxRetryBackoff"] = "00:00:00.200",
        };
        using var host = await StoreHost.Build(server.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();
        // As the AppHost runs Redis: no eviction, and memory already at its bound, so every new write is refused.
        await redisServer.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await redisServer.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
        var raised = new CounterBumped("target", 5);

        await Raise.CommittedAsync(host, "source", raised);

        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>()
            .AnyAsync(row => row.Attempts > 1 && row.LastError!.Contains("OOM") && row.PublishedAt == null, _cancellation)), Timeout, "publishes refused for lack of memory");
        Assert.Equal(5, await Raise.CounterAsync(host, "source"));
        Assert.Equal(0, await admin.GetDatabase().StreamLengthAsync(stream));

        await redisServer.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");

        await Wait.UntilAsync(async () => await admin.GetDatabase().StreamLengthAsync(stream) == 1, Timeout, "the event once memory is back");
        Assert.Equal(raised.Id.ToString(), Assert.Single(await admin.GetDatabase().StreamRangeAsync(stream))[EntryFields.Id]);
        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AllAsync(row => row.PublishedAt != null, _cancellation)),
            Timeout, "the row marked published");
    }

    [Fact]
    public async Task Rows_committed_before_a_crash_are_published_after_restart_once_the_dead_relays_lease_ends()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?> { ["Messaging:Outbox:SweepInterval"] = "00:00:01" };
        var leased = new CounterBumped("target", 1);
        var unleased = new CounterBumped("target", 2);

        // The process that committed these died before publishing: one row is still under its relay's lease.
        using (var crashed = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings, timeProvider: time))
        {
            await Raise.CommittedAsync(crashed.Services, "first", leased);
            await Raise.CommittedAsync(crashed.Services, "second", unleased);
            using var scope = crashed.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
            var leaseEnds = time.GetUtcNow().UtcDateTime.AddSeconds(30);
            await db.Set<OutboxMessage>().Where(row => row.EventId == leased.Id.ToString())
                .ExecuteUpdateAsync(update => update.SetProperty(row => row.LeaseToken, "dead-relay").SetProperty(row => row.LeasedUntil, leaseEnds), _cancellation);
        }

        using var restarted = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings, timeProvider: time).StartedAsync();

        await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync(stream) == 1, Timeout, "the unleased row");
        Assert.Equal(unleased.Id.ToString(), Assert.Single(await redis.Database.StreamRangeAsync(stream))[EntryFields.Id]);

        // A second at a time on the relay's clock: each is a sweep; the lease ends after thirty of them.
        var advanced = TimeSpan.Zero;
        await Wait.UntilAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            return await redis.Database.StreamLengthAsync(stream) == 2;
        }, Timeout, "the leased row after its lease ended");
        Assert.True(advanced >= TimeSpan.FromSeconds(30), $"published after {advanced}, before the lease ended");
        Assert.Equal(leased.Id.ToString(), (await redis.Database.StreamRangeAsync(stream))[1][EntryFields.Id]);
    }

    [Fact]
    public async Task Two_relays_on_one_database_publish_each_row_once()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var settings = new Dictionary<string, string?> { ["Messaging:Outbox:BatchSize"] = "7", ["Messaging:Outbox:SweepInterval"] = "00:00:00.050" };
        using var first = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();
        using var second = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();
        var events = Enumerable.Range(0, 200).Select(i => new CounterBumped("target", i)).ToArray();

        await Task.WhenAll(events.Select((@event, i) => Raise.CommittedAsync(i % 2 == 0 ? first : second, $"source-{i}", @event)));

        await Wait.UntilAsync(() => Raise.QueryAsync(first, db => db.Set<OutboxMessage>().AllAsync(row => row.PublishedAt != null, _cancellation)),
            Timeout, "every row published");
        var ids = (await redis.Database.StreamRangeAsync(stream)).Select(entry => (string)entry[EntryFields.Id]!).ToArray();
        Assert.Equal(200, ids.Length);
        Assert.Equal(events.Select(@event => @event.Id.ToString()).Order(), ids.Order());
    }

    [Fact]
    public async Task Relayed_event_continues_the_trace_it_was_raised_in()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        using var source = new ActivitySource(RedisFixture.UniqueName("test"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = candidate => candidate.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var host = await StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false).StartedAsync();

        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /counters"))
        {
            traceId = request!.TraceId;
            await Raise.CommittedAsync(host, "source", new CounterBumped("target", 1));
        }

        await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync(stream) == 1, Timeout, "the event");
        var traceParent = Assert.Single(await redis.Database.StreamRangeAsync(stream))[EntryFields.TraceParent].ToString();
        Assert.Equal(traceId.ToString(), traceParent.Split('-')[1]);
    }
}
