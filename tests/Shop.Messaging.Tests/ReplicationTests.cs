using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Messaging.Replication;
using Shop.Messaging.Telemetry;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.Tests;

/// <summary>
/// What <c>Messaging:MinReplicas</c> promises when the primary dies: a publish that returned is on the replica that
/// takes over. Each test has a primary and a replica of its own. The loss is made the way it happens: the replica is
/// cut off (SIGSTOP) while publishes go on, the primary dies, and the replica, restarted from its own AOF, is promoted
/// without ever having seen them.
/// </summary>
public sealed class ReplicationTests(RedisFixture redis)
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_MinReplicas_1_every_acknowledged_publish_survives_losing_the_primary()
    {
        using var pair = await LocalRedisReplicaPair.StartAsync(cancellationToken: _cancellation);
        var stream = RedisFixture.UniqueName("orders");
        using var host = await Bus(pair, stream, minReplicas: 1).StartedAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        using var shortfalls = new MetricCollector<long>(
            host.Services.GetRequiredService<IMeterFactory>(), MessagingTelemetry.MeterName, "shop.messaging.replication.shortfalls");

        var acknowledged = await PublishAsync(publisher, Things(0, 50));
        Assert.Equal(50, acknowledged.Count);

        await CutOffReplicaAsync(pair);
        var shortfallsBefore = shortfalls.GetMeasurementSnapshot().EvaluateAsCounter(); // a busy machine may have had some already
        var whileCutOff = Things(50, 2).Select(thing => Record.ExceptionAsync(() => publisher.PublishAsync(thing, _cancellation)).AsTask()).ToArray();
        var failures = await Task.WhenAll(whileCutOff);
        await LoseThePrimaryAsync(pair);

        // Not acknowledged: each publish tried three times and gave up, counted once per failed wait.
        Assert.All(failures, failure => Assert.IsType<ReplicationShortfallException>(failure));
        Assert.Equal(6, shortfalls.GetMeasurementSnapshot().EvaluateAsCounter() - shortfallsBefore);
        var survived = await EventIdsAsync(pair.Replica, stream);
        Assert.Empty(acknowledged.Except(survived));
    }

    [Fact]
    public async Task With_MinReplicas_0_publishes_acknowledged_by_the_primary_alone_are_lost_with_it()
    {
        using var pair = await LocalRedisReplicaPair.StartAsync(cancellationToken: _cancellation);
        var stream = RedisFixture.UniqueName("orders");
        using var host = await Bus(pair, stream, minReplicas: 0).StartedAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        var beforeCutOff = await PublishAsync(publisher, Things(0, 50));
        await pair.WaitUntilInSyncAsync(_cancellation);
        await Wait.UntilAsync(async () => (await EventIdsAsync(pair.Replica, stream)).Count == 50, TimeSpan.FromSeconds(10), "the replica to have the first 50");
        await CutOffReplicaAsync(pair);
        var whileCutOff = await PublishAsync(publisher, Things(50, 20));
        await LoseThePrimaryAsync(pair);

        // All 70 were acknowledged; the replica that took over has only what reached it before it was cut off.
        Assert.Equal(20, whileCutOff.Count);
        var survived = await EventIdsAsync(pair.Replica, stream);
        Assert.Empty(beforeCutOff.Except(survived));
        Assert.Equal(whileCutOff, whileCutOff.Except(survived));
    }

    [Fact]
    public async Task WaitForAof_uses_WAITAOF_where_the_server_has_it_and_falls_back_to_WAIT_with_a_warning_where_not()
    {
        using var pair = await LocalRedisReplicaPair.StartAsync(cancellationToken: _cancellation);
        var stream = RedisFixture.UniqueName("orders");
        using var host = await Bus(pair, stream, minReplicas: 1, waitForAof: true).StartedAsync();

        var acknowledged = await PublishAsync(host.Services.GetRequiredService<IEventPublisher>(), Things(0, 5));

        Assert.Equal(5, acknowledged.Count);
        Assert.Equal(5, (await EventIdsAsync(pair.Replica, stream)).Count);
        var version = host.Services.GetRequiredService<IConnectionMultiplexer>().GetServer(pair.Primary.ConnectionString).Version;
        var warnings = host.Services.GetFakeLogCollector().GetSnapshot().Count(log => log.Id.Name == "WaitAofUnsupported");
        Assert.Equal(version < new Version(7, 2) ? 1 : 0, warnings);
    }

    private IHost Bus(LocalRedisReplicaPair pair, string stream, int minReplicas, bool waitForAof = false) =>
        TestBus.Build(redis, stream, new HandlerProbe(), consume: false, connectionString: pair.Primary.ConnectionString,
            settings: new Dictionary<string, string?>
            {
                ["Messaging:MinReplicas"] = minReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Long enough for a live replica on a busy machine; each wait for a cut-off one costs this much.
                ["Messaging:ReplicaTimeout"] = "00:00:00.5",
                ["Messaging:WaitForAof"] = waitForAof ? "true" : "false",
            },
            configure: builder => builder.Logging.AddFakeLogging());

    private static ThingHappened[] Things(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(number => new ThingHappened($"thing-{number}", number))];

    /// <summary>Publishes one after another; returns the event ids of the publishes that returned.</summary>
    private async Task<List<string>> PublishAsync(IEventPublisher publisher, IEnumerable<ThingHappened> things)
    {
        var acknowledged = new List<string>();
        foreach (var thing in things)
        {
            await publisher.PublishAsync(thing, _cancellation);
            acknowledged.Add(thing.Id.ToString());
        }

        return acknowledged;
    }

    /// <summary>
    /// SIGSTOP of the replica, once its AOF holds what it has: the restart in <see cref="LoseThePrimaryAsync"/> then keeps
    /// exactly what the replica had when it was cut off — the replica's own persistence is not what these tests are about.
    /// </summary>
    private async Task CutOffReplicaAsync(LocalRedisReplicaPair pair)
    {
        await pair.WaitUntilReplicaPersistedAsync(_cancellation);
        pair.Replica.Freeze();
    }

    /// <summary>kill -9 of the primary; the cut-off replica is killed too, restarted from its own AOF, and promoted.</summary>
    private async Task LoseThePrimaryAsync(LocalRedisReplicaPair pair)
    {
        pair.Primary.Kill();
        // A thawed replica would still read what the primary's kernel had already sent it: a cut-off replica never got it.
        await pair.Replica.RestartAsync(_cancellation);
        await pair.PromoteReplicaAsync(_cancellation);
    }

    private static async Task<HashSet<string>> EventIdsAsync(LocalRedisServer server, string stream)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var entries = await connection.GetDatabase().StreamRangeAsync(stream);
        return [.. entries.Select(entry => entry[EntryFields.Id].ToString())];
    }
}
