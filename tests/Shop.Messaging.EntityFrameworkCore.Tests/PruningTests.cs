using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shop.Messaging.EntityFrameworkCore.Inbox;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Tests.Support;

namespace Shop.Messaging.EntityFrameworkCore.Tests;

public sealed class PruningTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pruning_deletes_what_is_past_retention_and_keeps_recent_rows_and_every_unpublished_row()
    {
        using var database = new TestDatabase();
        var stream = RedisFixture.UniqueName("counters");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var now = time.GetUtcNow().UtcDateTime;
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Pruning:Interval"] = "00:01:00",
            ["Messaging:Outbox:Retention"] = "1.00:00:00",
            ["Messaging:Inbox:Retention"] = "7.00:00:00",
            // Keep the relay away from the unpublished row (leased elsewhere for a day): it must survive pruning.
            ["Messaging:Outbox:SweepInterval"] = "01:00:00",
        };
        using var host = StoreHost.Build(redis.ConnectionString, stream, database.ConnectionString, consume: false, settings: settings, timeProvider: time);
        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
            db.Set<OutboxMessage>().AddRange(
                Row("published-2-days-ago", now.AddDays(-2), publishedAt: now.AddDays(-2)),
                Row("published-1-hour-ago", now.AddHours(-1), publishedAt: now.AddHours(-1)),
                Row("unpublished-10-days-old", now.AddDays(-10), publishedAt: null, leasedUntil: now.AddDays(1)));
            db.Set<InboxMessage>().AddRange(Record("8-days-ago", now.AddDays(-8)), Record("1-day-ago", now.AddDays(-1)));
            await db.SaveChangesAsync(_cancellation);
        }

        await host.StartAsync(_cancellation);

        // One pruning interval at a time on the fake clock (the pruner's timer may start after the host did).
        await Wait.UntilAsync(async () =>
        {
            time.Advance(TimeSpan.FromMinutes(1));
            return await Raise.QueryAsync(host, db => db.Set<OutboxMessage>().CountAsync(_cancellation)) == 2;
        }, Timeout, "the old published row to be pruned");
        var outbox = await Raise.QueryAsync(host, db => db.Set<OutboxMessage>().Select(row => row.Stream).OrderBy(name => name).ToListAsync(_cancellation));
        Assert.Equal(["published-1-hour-ago", "unpublished-10-days-old"], outbox);
        Assert.Equal(1, await Raise.QueryAsync(host, db => db.Set<InboxMessage>().CountAsync(_cancellation)));
        Assert.Equal("1-day-ago", (await Raise.QueryAsync(host, db => db.Set<InboxMessage>().SingleAsync(_cancellation))).Stream);
    }

    // The stream name stands in as a label: these rows are never relayed.
    private static OutboxMessage Row(string label, DateTime createdAt, DateTime? publishedAt, DateTime? leasedUntil = null) => new()
    {
        EventId = Guid.NewGuid().ToString(), Stream = label, Type = nameof(CounterBumped), Data = "{}", Source = "test",
        OccurredAt = createdAt, CreatedAt = createdAt, PublishedAt = publishedAt,
        LeaseToken = leasedUntil is null ? null : "elsewhere", LeasedUntil = leasedUntil,
    };

    private static InboxMessage Record(string label, DateTime processedAt) => new()
    {
        ConsumerGroup = "counter-service", EventId = Guid.NewGuid(), EventType = nameof(CounterBumped), Stream = label,
        EntryId = "0-1", ProcessedAt = processedAt,
    };
}
