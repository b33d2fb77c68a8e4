using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mediator;
using Polly;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Inbox;
using Shop.Messaging.Resilience;
using Shop.Messaging.Telemetry;

namespace Shop.Messaging.Consuming;

/// <summary>
/// The invoke step for one delivery: a scope and transaction of its own, up to
/// <see cref="MessagingOptions.HandlerAttempts"/> attempts with backoff, then the dead-letter decision: dead-letter on
/// the <see cref="MessagingOptions.MaxDeliveries"/>-th failed delivery, otherwise leave it pending for redelivery.
/// </summary>
/// <remarks>
/// A dependency that is down (the database restarting, see <see cref="TransientFailure"/>) fails every attempt until it
/// is back, and that is no failure of the entry: the entry stays in hand and its attempts start over after a pause
/// (twice as long each time, at most <see cref="MaxOutagePause"/>) until the dependency answers or the host stops. The
/// heartbeat keeps its claim fresh meanwhile, so no other consumer takes it over and its delivery count does not grow:
/// an outage longer than <see cref="MessagingOptions.MaxDeliveries"/> redeliveries dead-letters nothing.
/// </remarks>
internal sealed class HandlerInvoker(
    IServiceScopeFactory scopes,
    DeadLetterWriter deadLetters,
    DeliveryTelemetry telemetry,
    ConsumerIdentity identity,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger<HandlerInvoker> logger)
{
    /// <summary>The longest pause between two rounds of attempts while a dependency is down.</summary>
    public static readonly TimeSpan MaxOutagePause = TimeSpan.FromSeconds(2);

    private readonly ResiliencePipeline _attempts = Retries.Attempts(timeProvider, options.Value.HandlerAttempts, options.Value.RetryBackoff);

    private readonly ResiliencePipeline _untilDependencyIsBack = Retries.UntilCancelled(
        timeProvider, options.Value.RetryBackoff, MaxOutagePause, TransientFailure.Is,
        (_, exception, pause, _) =>
        {
            MessagingLog.WaitingForDependency(logger, exception, pause);
            return ValueTask.CompletedTask;
        });

    /// <summary>Returns true when the entry is done with (handled, a duplicate, or dead-lettered) and may be acknowledged.</summary>
    /// <param name="key">The stream the entry came from.</param>
    /// <param name="entry">The decoded delivery and its event.</param>
    /// <param name="abort">Cancelled only when a handler must give up (the host's shutdown timeout ran out).</param>
    public async Task<bool> InvokeAsync(string key, Decoded.Invoke entry, CancellationToken abort)
    {
        var (delivery, envelope) = (entry.Delivery, entry.Envelope);
        using var activity = telemetry.StartProcessing(key, delivery, envelope);
        var started = timeProvider.GetTimestamp();
        try
        {
            bool handled;
            try
            {
                // The common case outside the pipelines: an attempt that succeeds costs no resilience context and no
                // closure. A failure takes the pipelines, where it counts as their first attempt.
                handled = await DispatchAloneAsync(key, entry, abort).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not InvalidEventException && !Retries.IsCancellation(exception, abort))
            {
                handled = await RetryAsync(key, entry, exception, abort).ConfigureAwait(false);
            }

            telemetry.Completed(key, delivery, envelope, handled, timeProvider.GetElapsedTime(started));
            activity.SetRecordedTag(MessagingTelemetry.OutcomeTag, handled ? "handled" : "duplicate");
            return true;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutting down past the host's timeout (in a handler or in the pause between attempts): the entry stays
            // pending for this consumer's next start or for another consumer, and this is no failure of the entry.
            MessagingLog.HandlerAborted(logger, key, delivery.EntryId);
            activity?.SetStatus(ActivityStatusCode.Error, "aborted by shutdown");
            return false;
        }
        // A handler may throw anything; the bus must survive it and decide about the entry.
        catch (Exception failure)
        {
            telemetry.Failed(key, envelope, timeProvider.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity?.AddException(failure);
            return await DecideAfterFailureAsync(key, delivery, failure, activity).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The attempts after a first one failed with <paramref name="firstFailure"/>, paced as if the pipelines had made the
    /// first one too: the failure is replayed as their first attempt (logged, counted, followed by the first pause).
    /// </summary>
    private async Task<bool> RetryAsync(string key, Decoded.Invoke entry, Exception firstFailure, CancellationToken abort)
    {
        var (delivery, envelope) = (entry.Delivery, entry.Envelope);
        var attempts = options.Value.HandlerAttempts;
        var attempt = 0;
        var replay = firstFailure;
        return await _untilDependencyIsBack.ExecuteAsync(async outage =>
        {
            attempt = 0;
            return await _attempts.ExecuteAsync(async cancellation =>
            {
                attempt++;
                try
                {
                    if (replay is { } failed)
                    {
                        replay = null;
                        ExceptionDispatchInfo.Throw(failed);
                    }

                    return await DispatchAloneAsync(key, entry, cancellation).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not InvalidEventException && !Retries.IsCancellation(exception, cancellation))
                {
                    MessagingLog.HandlerFailed(logger, exception, key, delivery.EntryId, envelope.TypeName, attempt, attempts);
                    if (attempt < attempts)
                    {
                        metrics.Retried(key, identity.Group);
                    }

                    throw;
                }
            }, outage).ConfigureAwait(false);
        }, abort).ConfigureAwait(false);
    }

    /// <summary>
    /// Dead-letter an event that lies (<see cref="InvalidEventException"/>) at once, and any other on the last allowed
    /// delivery; otherwise leave it pending for XAUTOCLAIM to deliver again.
    /// </summary>
    private async Task<bool> DecideAfterFailureAsync(string key, Delivery delivery, Exception failure, Activity? activity)
    {
        var maxDeliveries = options.Value.MaxDeliveries;
        if (failure is InvalidEventException || delivery.DeliveryCount >= maxDeliveries)
        {
            activity.SetRecordedTag(MessagingTelemetry.OutcomeTag, "dead_lettered");
            var reason = failure is InvalidEventException invalid ? invalid.Message : FailureReason.Of(failure);
            return await deadLetters.TryWriteAsync(key, delivery, reason).ConfigureAwait(false);
        }

        // Redelivered after ReclaimAfter (to this consumer or another), which counts as the next delivery. Entries
        // behind it keep flowing meanwhile.
        activity.SetRecordedTag(MessagingTelemetry.OutcomeTag, "left_pending");
        MessagingLog.LeftPending(logger, key, delivery.EntryId, delivery.DeliveryCount, maxDeliveries);
        return false;
    }

    /// <summary>One attempt in a scope of its own; false when the inbox says the event was applied already.</summary>
    private async Task<bool> DispatchAloneAsync(string key, Decoded.Invoke entry, CancellationToken abort)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<DeliveryContext>();
            var handled = await DispatchAsync(scope.ServiceProvider, context, key, identity, entry, abort).ConfigureAwait(false);
            // The handlers' SaveChanges committed: what waited for it runs now (a failed attempt's scope forgets it).
            RunAfterCommit(context.TakeAfterCommit(), key, entry.Delivery.EntryId, logger);
            return handled;
        }
    }

    /// <summary>
    /// The core of one attempt, alone or in a batch (<see cref="BatchInvoker"/>): fills in <paramref name="context"/>
    /// for <paramref name="entry"/>, checks the inbox, runs every Mediator handler of the event in
    /// <paramref name="services"/>' scope and records the event in the inbox; false when the inbox says the event was
    /// applied already.
    /// </summary>
    internal static async Task<bool> DispatchAsync(
        IServiceProvider services, DeliveryContext context, string key, ConsumerIdentity identity, Decoded.Invoke entry, CancellationToken abort)
    {
        var (delivery, envelope, @event) = entry;
        context.Begin(key, identity.Group, identity.Consumer, delivery.EntryId, delivery.DeliveryCount, envelope.EventId);
        var inbox = services.GetService<IInbox>();
        if (inbox is not null && !await inbox.TryBeginAsync(context, @event.GetType(), abort).ConfigureAwait(false))
        {
            return false;
        }

        await services.GetRequiredService<IPublisher>().Publish(@event, abort).ConfigureAwait(false);
        if (inbox is not null)
        {
            await inbox.CompleteAsync(context, abort).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Runs what a handler asked to run once its changes are committed (<see cref="DeliveryContext.AfterCommit"/>).</summary>
    internal static void RunAfterCommit(IEnumerable<Action>? actions, string key, string entryId, ILogger logger)
    {
        foreach (var action in actions ?? [])
        {
            try
            {
                action();
            }
            // The entry's changes are committed: a failing follow-up must not make it look unhandled.
            catch (Exception exception)
            {
                MessagingLog.AfterCommitFailed(logger, exception, key, entryId);
            }
        }
    }
}
