using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Tests.Support;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Tests;

/// <summary>With <c>Messaging:MinReplicas</c>, the relay marks a row published only once a replica has its entry.</summary>
public sealed class ReplicatedOutboxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Row_stays_unpublished_while_no_replica_confirms_and_is_published_again_once_one_does()
    {
        using var pair = await LocalRedisReplicaPair.StartAsync(cancellationToken: _cancellation);
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:MinReplicas"] = "1",
            ["Messaging:ReplicaTimeout"] = "00:00:00.1",
            ["Messaging:Outbox:RetryBackoff"] = "00:00:00.05",
            ["Messaging:Outbox:MaxRetryBackoff"] = "00:00:00.2",
        };
        using var host = await StoreHost.Build(pair.Primary.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings).StartedAsync();
        await using var primary = await ConnectionMultiplexer.ConnectAsync(pair.Primary.ConnectionString);
        var raised = new CounterBumped("target", 1);

        pair.Replica.Freeze();
        await Raise.CommittedAsync(host, "source", raised);

        // The entry is on the primary, and published again on every retry, but the row is not marked.
        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AnyAsync(row => row.Attempts >= 2, _cancellation)),
            Timeout, "the relay to retry the row that no replica confirmed");
        var row = await Raise.QueryAsync(host, db => db.Set<OutboxMessage>().SingleAsync(_cancellation));
        Assert.Null(row.PublishedAt);
        Assert.Contains("replicas", row.LastError, StringComparison.Ordinal);
        Assert.True(await primary.GetDatabase().StreamLengthAsync(stream) >= 2, "each retry adds the entry again");

        pair.Replica.Thaw();

        await Wait.UntilAsync(() => Raise.QueryAsync(host, db => db.Set<OutboxMessage>().AllAsync(row => row.PublishedAt != null, _cancellation)),
            Timeout, "the row marked published once the replica confirms");
        // Every copy carries the one event id: a consumer's inbox applies it once.
        var entries = await primary.GetDatabase().StreamRangeAsync(stream);
        Assert.All(entries, entry => Assert.Equal(raised.Id.ToString(), entry[EntryFields.Id]));
    }
}
