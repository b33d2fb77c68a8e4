using Microsoft.Extensions.Logging;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Resilience;

/// <summary>
/// The periodic loop that survives a bad run, written once: background work on a <see cref="PeriodicTimer"/> driven by
/// the <see cref="TimeProvider"/> (so tests move time), where a run that fails in a way the caller expects is reported
/// and the next tick simply tries again. The bus's chores, the outbox store's pruning and the saga's deadline scan all
/// run on it.
/// </summary>
public static class Periodically
{
    /// <param name="period">Time between the starts of two runs; a run longer than that delays the next tick.</param>
    /// <param name="timeProvider">The clock the timer runs on.</param>
    /// <param name="work">One run.</param>
    /// <param name="survives">The failures of a run that the loop outlives (anything else ends it, and its host).</param>
    /// <param name="reportFailure">Called with each failure the loop outlives, e.g. to log it.</param>
    /// <param name="stopping">Ends the loop, between runs or inside one, without an error.</param>
    public static async Task RunAsync(
        TimeSpan period, TimeProvider timeProvider, Func<Task> work, Func<Exception, bool> survives, Action<Exception> reportFailure, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(survives);
        ArgumentNullException.ThrowIfNull(reportFailure);
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await work().ConfigureAwait(false);
                }
                catch (Exception exception) when (!Retries.IsCancellation(exception, stopping) && survives(exception))
                {
                    reportFailure(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>The bus's chores, which only talk to Redis: a run that finds Redis unreachable waits for the next tick.</summary>
    internal static Task RunAsync(
        TimeSpan period, TimeProvider timeProvider, Func<Task> work, ILogger logger, string what, CancellationToken stopping) =>
        RunAsync(
            period, timeProvider, work,
            exception => exception is RedisException or TimeoutException,
            exception => MessagingLog.BackgroundWorkFailed(logger, exception, what),
            stopping);
}
