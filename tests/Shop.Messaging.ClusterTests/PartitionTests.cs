using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.ClusterTests;

/// <summary>What only a partitioned stream on a cluster has: keys spread over shards, per-key order, work split per partition.</summary>
public sealed class PartitionTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_spread_over_partitions_on_several_shards_and_each_name_keeps_its_order()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        // 30 names (think: orders), 10 events each, interleaved.
        for (var i = 0; i < 300; i++)
        {
            await publisher.PublishAsync(new ThingHappened($"order-{i % 30}", i), _cancellation);
        }

        await Wait.UntilAsync(() => probe.Completed.Count >= 300, Timeout, "all 300 handled");
        Assert.Equal(300, probe.Completed.Select(call => call.EventId).Distinct().Count());
        Assert.False(await redis.Database.KeyExistsAsync(stream), "a partitioned stream has no key of its own name");
        Assert.Equal(streams.Keys.Order(), probe.Completed.Select(call => call.Stream).Distinct().Order());
        foreach (var name in probe.Completed.GroupBy(call => call.Event.Name))
        {
            Assert.Single(name.Select(call => call.Stream).Distinct()); // one name, one partition
            Assert.Equal(name.Select(call => call.Event.Number).Order(), name.Select(call => call.Event.Number)); // in publish order
        }

        var shards = new HashSet<int>();
        foreach (var key in streams.Keys)
        {
            shards.Add((await redis.Cluster!.PrimaryOfAsync(key, _cancellation)).Port);
        }

        Assert.True(shards.Count >= 2, $"the partitions {string.Join(", ", streams.Keys)} all live on one shard");
        await Wait.UntilAsync(async () => (await streams.PendingAsync("test-service")).Length == 0, Timeout, "every partition acknowledged");
    }

    [Fact]
    public async Task Two_instances_split_every_partition_and_handle_each_entry_once()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        var probe = new HandlerProbe { Behaviour = (_, _, cancellation) => Task.Delay(2, cancellation) };
        using var first = await TestBus.Build(redis, stream, probe, consumer: "instance-1").StartedAsync();
        using var second = await TestBus.Build(redis, stream, probe, consumer: "instance-2").StartedAsync();
        await Wait.UntilAsync(async () => await streams.IsReaderBlockedAsync("instance-1") && await streams.IsReaderBlockedAsync("instance-2"),
            Timeout, "both instances to wait on every partition");

        var publisher = first.Services.GetRequiredService<IEventPublisher>();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => publisher.PublishAsync(new ThingHappened($"order-{i % 30}", i), _cancellation)));

        await Wait.UntilAsync(() => probe.Completed.Count >= 300, Timeout, "all 300 handled");
        Assert.Equal(Enumerable.Range(0, 300), probe.Completed.Select(call => call.Event.Number).Order());
        Assert.Contains(probe.Completed, call => call.Consumer == "instance-1");
        Assert.Contains(probe.Completed, call => call.Consumer == "instance-2");
        await Wait.UntilAsync(async () => (await streams.PendingAsync("test-service")).Length == 0, Timeout, "every partition acknowledged");
    }

    [Fact]
    public async Task Malformed_entry_is_dead_lettered_beside_its_own_partition()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        using var host = await TestBus.Build(redis, stream, new HandlerProbe()).StartedAsync();

        await streams.AddRawAsync(data: "{broken");

        await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync(StreamNames.DeadLetter(streams.Key)) == 1, Timeout, "the dead letter");
        Assert.Single(await streams.DeadLettersAsync()); // and in no other partition's
    }

    [Fact]
    public async Task Blocking_reads_cost_one_connection_per_partition_and_shard()
    {
        var stream = RedisFixture.UniqueName("orders");
        var streams = new StreamProbe(redis, stream);
        using var host = await TestBus.Build(redis, stream, new HandlerProbe(), consumer: "counted").StartedAsync();
        await Wait.UntilAsync(() => streams.IsReaderBlockedAsync("counted"), Timeout, "every partition's reader to block");

        var perNode = await Task.WhenAll(redis.Connection.GetServers().Where(server => server.IsConnected).Select(async server =>
            ((string?)await server.ExecuteAsync("CLIENT", "LIST") ?? "").Split('\n').Count(client => client.Contains(" name=counted:", StringComparison.Ordinal))));
        var readerConnections = perNode.Sum();

        // Reported in the test log: what docs/scaling-out.md quotes.
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{streams.Keys.Count} partitions, {perNode.Length} nodes: {readerConnections} reader connections ({string.Join("+", perNode)})");
        Assert.Equal(streams.Keys.Count * perNode.Length, readerConnections);
    }
}
