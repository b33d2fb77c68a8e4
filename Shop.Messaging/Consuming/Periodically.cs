using Microsoft.Extensions.Logging;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>Runs background work on a <see cref="PeriodicTimer"/> driven by the <see cref="TimeProvider"/>, so tests can move time.</summary>
internal static class Periodically
{
    public static async Task RunAsync(
        TimeSpan period, TimeProvider timeProvider, Func<Task> work, ILogger logger, string what, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await work().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException)
                {
                    // Redis unreachable for a moment: the next tick tries again.
                    MessagingLog.BackgroundWorkFailed(logger, exception, what);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
