using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Shop.Messaging.Connections;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Bench.Probes;

/// <summary>Watches the <c>orders</c> stream with a blocking XREAD and notes when each OrderConfirmed arrives.</summary>
internal sealed class ConfirmationWatcher : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<long>> _confirmations = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _confirmed;

    private ConfirmationWatcher(ConnectionMultiplexer redis)
    {
        _redis = redis;
        _loop = Task.Run(WatchAsync);
    }

    public long Confirmed => Interlocked.Read(ref _confirmed);

    public static async Task<ConfirmationWatcher> StartAsync(string connectionString) =>
        new(await ConnectionMultiplexer.ConnectAsync(connectionString));

    public Task<long> ConfirmationOf(Guid orderId) => Completion(orderId).Task;

    private TaskCompletionSource<long> Completion(Guid orderId) =>
        _confirmations.GetOrAdd(orderId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task WatchAsync()
    {
        var database = _redis.GetDatabase();
        var last = "$";
        while (!_stop.IsCancellationRequested)
        {
            var reply = await database.ExecuteAsync("XREAD", "COUNT", 500, "BLOCK", 200, "STREAMS", "orders", last);
            var arrived = Stopwatch.GetTimestamp();
            foreach (var entry in StreamReadReply.Parse(reply))
            {
                last = entry.Id.ToString();
                if (entry[EntryFields.Type] != "OrderConfirmed")
                {
                    continue;
                }

                using var data = JsonDocument.Parse((string)entry[EntryFields.Data]!);
                Completion(data.RootElement.GetProperty("orderId").GetGuid()).TrySetResult(arrived);
                Interlocked.Increment(ref _confirmed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _redis.DisposeAsync();
        _stop.Dispose();
    }
}
