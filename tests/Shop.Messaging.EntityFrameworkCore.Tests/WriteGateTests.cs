using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.EntityFrameworkCore.Tests.Support;

namespace Shop.Messaging.EntityFrameworkCore.Tests;

/// <summary>One writer at a time per SQLite database in a process (<c>SqliteWriteGate</c>), and never a gate left shut.</summary>
public sealed class WriteGateTests(RedisFixture redis)
{
    // Far below the gate's own 30 s timeout: a gate left shut fails these tests, it does not merely slow them.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_writers_in_one_process_all_commit()
    {
        using var database = new TestDatabase();
        using var host = await StoreHost.Build(redis.ConnectionString, RedisFixture.UniqueName("counters"), database.ConnectionString, consume: false).StartedAsync();

        // SaveChanges on its own and explicit transactions, 16 at a time.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                using var scope = host.Services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
                if (i % 2 == 0)
                {
                    db.Counters.Add(new Counter { Name = $"w{writer}-{i}", Value = i });
                    await db.SaveChangesAsync(_cancellation);
                }
                else
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(_cancellation);
                    db.Counters.Add(new Counter { Name = $"w{writer}-{i}", Value = i });
                    await db.SaveChangesAsync(_cancellation);
                    await transaction.CommitAsync(_cancellation);
                }
            }
        }, _cancellation)));

        Assert.Equal(160, await Raise.QueryAsync(host, db => db.Counters.CountAsync(_cancellation)));
    }

    [Fact]
    public async Task Transaction_disposed_without_commit_lets_the_next_writer_in_and_leaves_nothing_behind()
    {
        using var database = new TestDatabase();
        using var host = await StoreHost.Build(redis.ConnectionString, RedisFixture.UniqueName("counters"), database.ConnectionString, consume: false).StartedAsync();
        using var abandoning = host.Services.CreateScope();
        var abandoned = abandoning.ServiceProvider.GetRequiredService<CounterDb>();
        await using (var transaction = await abandoned.Database.BeginTransactionAsync(_cancellation))
        {
            abandoned.Counters.Add(new Counter { Name = "abandoned", Value = 1 });
            await abandoned.SaveChangesAsync(_cancellation);
        }

        await SaveCounterAsync(host, "next").WaitAsync(Deadline, _cancellation);

        Assert.Equal(["next"], await Raise.QueryAsync(host, db => db.Counters.Select(counter => counter.Name).ToListAsync(_cancellation)));
    }

    [Fact]
    public async Task Failed_save_lets_the_next_writer_in()
    {
        using var database = new TestDatabase();
        using var host = await StoreHost.Build(redis.ConnectionString, RedisFixture.UniqueName("counters"), database.ConnectionString, consume: false).StartedAsync();
        await SaveCounterAsync(host, "taken");

        await Assert.ThrowsAsync<DbUpdateException>(() => SaveCounterAsync(host, "taken"));
        await SaveCounterAsync(host, "after").WaitAsync(Deadline, _cancellation);

        Assert.Equal(2, await Raise.QueryAsync(host, db => db.Counters.CountAsync(_cancellation)));
    }

    private async Task SaveCounterAsync(IHost host, string name)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
        db.Counters.Add(new Counter { Name = name, Value = 1 });
        await db.SaveChangesAsync(_cancellation);
    }
}
