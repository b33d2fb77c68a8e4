using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.Connections;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Bench;

/// <summary>
/// Commit → published: a unit of work saves a row and an event through the outbox; a raw blocking XREAD on the
/// stream notes when the entry arrives. The latency is arrival minus the moment SaveChanges returned.
/// </summary>
internal static class OutboxLatency
{
    public static async Task<Latency> RunAsync(string connectionString, int rate, int count, string payload)
    {
        var latency = new Latency(count);
        var stream = $"outbox-{Guid.NewGuid():N}";
        var directory = Directory.CreateTempSubdirectory("shop-bench-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString });
        builder.AddRedisClient("redis");
        builder.Services.AddDbContext<BenchDb>(options => options.UseSqlite($"Data Source={Path.Combine(directory, "bench.db")}"));
        builder.AddMessaging("bench").AddEvent(stream, BenchJsonContext.Default.LatencyProbed).UseEntityFrameworkStore<BenchDb>(builder.Configuration);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddSingleton(latency);
        using var host = builder.Build();
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<BenchDb>().Database.EnsureCreatedAsync();
        }

        await host.StartAsync();
        var committedAt = new ConcurrentDictionary<string, long>();
        await using var reader = await ConnectionMultiplexer.ConnectAsync(connectionString);
        using var stop = new CancellationTokenSource();
        var arrivals = Task.Run(async () =>
        {
            var last = "0-0";
            var database = reader.GetDatabase();
            var seen = 0;
            while (seen < count && !stop.IsCancellationRequested)
            {
                var reply = await database.ExecuteAsync("XREAD", "COUNT", 100, "BLOCK", 1000, "STREAMS", (RedisKey)stream, last);
                if (reply.IsNull)
                {
                    continue;
                }

                var arrived = Stopwatch.GetTimestamp();
                foreach (var entry in StreamReadReply.Parse(reply))
                {
                    last = entry.Id.ToString();
                    var id = entry[EntryFields.Id].ToString();
                    SpinWait.SpinUntil(() => committedAt.ContainsKey(id));
                    latency.Record(committedAt[id], arrived);
                    seen++;
                }
            }
        });

        await Pacer.RunAsync(rate, count, async (i, _) =>
        {
            using var scope = host.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<BenchDb>();
            var @event = new LatencyProbed(i, 0, payload);
            db.Items.Add(new BenchItem { Sequence = i });
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(@event);
            await db.SaveChangesAsync();
            committedAt[@event.Id.ToString()] = Stopwatch.GetTimestamp();
        });
        await arrivals.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await host.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return latency;
    }
}

internal sealed class BenchDb(DbContextOptions<BenchDb> options) : DbContext(options)
{
    public DbSet<BenchItem> Items => Set<BenchItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchItem>().HasKey(item => item.Sequence);
        modelBuilder.Entity<BenchItem>().Property(item => item.Sequence).ValueGeneratedNever();
        modelBuilder.AddMessagingTables();
    }
}

internal sealed class BenchItem
{
    public int Sequence { get; init; }
}
