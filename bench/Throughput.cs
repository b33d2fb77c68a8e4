using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using StackExchange.Redis;

namespace Shop.Bench;

/// <summary>Publish and drain throughput: Shared.Messaging against raw StackExchange.Redis on the same server, same run.</summary>
internal static class Throughput
{
    private const int InFlight = 256;

    /// <summary>Events per second published with <see cref="InFlight"/> commands in flight.</summary>
    public static async Task<(double Bus, double Raw)> PublishAsync(string connectionString, int count, string payload)
    {
        using var host = BuildHost(connectionString, $"pub-{Guid.NewGuid():N}", consume: false, handled: null);
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        var bus = await RateAsync(count, i => publisher.PublishAsync(new LatencyProbed(i, 0, payload)));
        await host.StopAsync();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = redis.GetDatabase();
        var stream = $"raw-pub-{Guid.NewGuid():N}";
        var raw = await RateAsync(count, i => database.StreamAddAsync(stream, Fields(i, payload), maxLength: 1_000_000, useApproximateMaxLength: true));
        return (bus, raw);
    }

    /// <summary>Events per second drained (read, handled, acknowledged) from a pre-filled stream by <paramref name="consumers"/> consumers.</summary>
    public static async Task<(double Bus, double Raw)> DrainAsync(string connectionString, int count, int consumers, string payload)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = redis.GetDatabase();
        var stream = $"drain-{Guid.NewGuid():N}";
        await RateAsync(count, i => database.StreamAddAsync(stream, Fields(i, payload)));

        // Shared.Messaging: consumers hosts of one group, a no-op handler that counts.
        var handled = new Latency(count);
        var hosts = Enumerable.Range(0, consumers).Select(_ => BuildHost(connectionString, stream, consume: true, handled)).ToList();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(hosts.Select(host => host.StartAsync()));
        while (handled.Count < count)
        {
            await Task.Delay(5);
        }

        var bus = count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        // Raw: XREADGROUP COUNT 100 + XACK per batch, same consumers count, another group on the same entries.
        await database.StreamCreateConsumerGroupAsync(stream, "raw", StreamPosition.Beginning);
        var remaining = count;
        started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            while (Volatile.Read(ref remaining) > 0)
            {
                var entries = await database.StreamReadGroupAsync(stream, "raw", $"raw-{c}", StreamPosition.NewMessages, 100);
                if (entries.Length == 0)
                {
                    continue;
                }

                await database.StreamAcknowledgeAsync(stream, "raw", entries.Select(entry => entry.Id).ToArray());
                Interlocked.Add(ref remaining, -entries.Length);
            }
        })));
        var raw = count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (bus, raw);
    }

    private static IHost BuildHost(string connectionString, string stream, bool consume, Latency? handled)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["Messaging:ConsumerName"] = $"bench-{Guid.NewGuid():N}",
        });
        builder.AddRedisClient("redis");
        var messaging = builder.AddMessaging("bench").AddEvent(stream, BenchJsonContext.Default.LatencyProbed);
        if (consume)
        {
            messaging.Consume(stream);
        }

        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddSingleton(handled ?? new Latency(1));
        return builder.Build();
    }

    private static async Task<double> RateAsync(int count, Func<int, Task> send)
    {
        var started = Stopwatch.GetTimestamp();
        var window = new List<Task>(InFlight);
        for (var i = 0; i < count; i++)
        {
            window.Add(send(i));
            if (window.Count == InFlight)
            {
                await Task.WhenAll(window);
                window.Clear();
            }
        }

        await Task.WhenAll(window);
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static NameValueEntry[] Fields(int sequence, string payload) =>
    [
        new(EntryFields.Id, Guid.NewGuid().ToString()),
        new(EntryFields.Type, nameof(LatencyProbed)),
        new(EntryFields.Data, $$"""{"sequence":{{sequence}},"sentTimestamp":0,"payload":"{{payload}}"}"""),
        new(EntryFields.OccurredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
        new(EntryFields.Source, "bench"),
    ];
}
