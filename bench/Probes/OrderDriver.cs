using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Bench.Harness;
using Shop.Bench.Scenarios;
using Shop.Testing;

namespace Shop.Bench.Probes;

/// <summary>
/// Places orders and matches each accepted order id with its confirmation. With several OrderService instances, the
/// orders go to each in turn, as a load balancer would send them.
/// </summary>
internal sealed class OrderDriver(IReadOnlyList<HttpClient> instances, ConfirmationWatcher watcher)
{
    private int _sequence;

    /// <summary>
    /// Open loop at <paramref name="rate"/>: POST → Confirmed latency of every order, and the rate at which
    /// confirmations arrived while the orders were being sent.
    /// </summary>
    public async Task<(LatencyRecorder Latency, double ConfirmedPerSecond)> AtRateAsync(int rate, int count)
    {
        var latency = new LatencyRecorder(count);
        var pending = new ConcurrentBag<Task>();
        var confirmedBefore = watcher.Confirmed;
        var started = Stopwatch.GetTimestamp();
        await Pacer.RunAsync(rate, count, (_, sent) =>
        {
            pending.Add(PlaceAndAwaitAsync(sent, latency));
            return Task.CompletedTask;
        });
        var confirmed = (watcher.Confirmed - confirmedBefore) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(3));
        return (latency, confirmed);
    }

    /// <summary>Waits until every order placed so far is confirmed, so the next rate starts without a backlog.</summary>
    public Task DrainAsync() => Wait.UntilAsync(() => watcher.Confirmed >= Volatile.Read(ref _sequence), TimeSpan.FromMinutes(3), "every order confirmed");

    private async Task PlaceAndAwaitAsync(long sent, LatencyRecorder latency)
    {
        var orderId = await PlaceAsync();
        var confirmedAt = await watcher.ConfirmationOf(orderId).WaitAsync(TimeSpan.FromMinutes(1));
        latency.Record(sent, confirmedAt);
    }

    private async Task<Guid> PlaceAsync()
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var order = new { customerId = $"bench-{sequence % 100}", items = new[] { new { sku = OrderFlow.Skus[sequence % OrderFlow.Skus.Length], quantity = 1 } } };
        using var response = await instances[sequence % instances.Count].PostAsJsonAsync("/orders", order);
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("orderId").GetGuid();
    }
}
