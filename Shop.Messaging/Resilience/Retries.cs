using Polly;
using Polly.Retry;
using Shop.Messaging.Events;

namespace Shop.Messaging.Resilience;

/// <summary>
/// The bus's one retry mechanism, for the consumer loop, the handlers and the outbox relay alike: Polly retry
/// pipelines with exponential backoff (no jitter) whose pauses run on the <see cref="TimeProvider"/>, so a test moves
/// time instead of waiting for it. A cancellation of the run is never retried: it ends the pause and propagates.
/// </summary>
internal static class Retries
{
    /// <summary>What is being retried (e.g. "read new entries"), for the log line before each pause.</summary>
    private static readonly ResiliencePropertyKey<string> What = new("shop.messaging.retry.what");

    /// <summary>
    /// Retries failures that <paramref name="isTransient"/> accepts until the run is cancelled, pausing
    /// <paramref name="firstPause"/>, then twice as long each time, at most <paramref name="maxPause"/>.
    /// <paramref name="beforePause"/> sees what failed, how, and the pause that follows (to log it, or repair what failed).
    /// </summary>
    public static ResiliencePipeline UntilCancelled(
        TimeProvider timeProvider,
        TimeSpan firstPause,
        TimeSpan maxPause,
        Func<Exception, bool> isTransient,
        Func<string, Exception, TimeSpan, CancellationToken, ValueTask> beforePause) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = firstPause,
                MaxDelay = maxPause,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is { } exception && !IsCancellation(exception, arguments.Context.CancellationToken) && isTransient(exception)),
                OnRetry = arguments => beforePause(
                    arguments.Context.Properties.GetValue(What, ""), arguments.Outcome.Exception!, arguments.RetryDelay, arguments.Context.CancellationToken),
            })
            .Build();

    /// <summary>
    /// <paramref name="attempts"/> attempts in all, for any exception (a handler may throw anything) but an
    /// <see cref="InvalidEventException"/> (the event lies: no attempt can fix it), pausing <paramref name="firstPause"/>
    /// before the second and twice as long before each further one.
    /// </summary>
    public static ResiliencePipeline Attempts(TimeProvider timeProvider, int attempts, TimeSpan firstPause) =>
        attempts <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = timeProvider }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = attempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    Delay = firstPause,
                    ShouldHandle = arguments => ValueTask.FromResult(
                        arguments.Outcome.Exception is { } exception and not InvalidEventException
                        && !IsCancellation(exception, arguments.Context.CancellationToken)),
                })
                .Build();

    /// <summary>
    /// Runs <paramref name="work"/> through an <see cref="UntilCancelled"/> pipeline: true once it succeeded, false when
    /// <paramref name="cancellation"/> ended it first.
    /// </summary>
    public static async Task<bool> RunAsync(this ResiliencePipeline pipeline, string what, Func<CancellationToken, Task> work, CancellationToken cancellation)
    {
        var context = ResilienceContextPool.Shared.Get(cancellation);
        context.Properties.Set(What, what);
        try
        {
            await pipeline.ExecuteAsync(
                static async (context, work) => await work(context.CancellationToken).ConfigureAwait(false), context, work).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>True when <paramref name="exception"/> is the run being cancelled: never retried, never a failure of the work.</summary>
    public static bool IsCancellation(Exception exception, CancellationToken cancellation) =>
        exception is OperationCanceledException && cancellation.IsCancellationRequested;
}
