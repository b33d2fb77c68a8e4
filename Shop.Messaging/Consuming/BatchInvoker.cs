using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Telemetry;

namespace Shop.Messaging.Consuming;

/// <summary>
/// The invoke step for a batch (see <see cref="IBatchTransaction"/>): one scope, one store transaction, every entry's
/// inbox check and handlers in stream order, one commit. No retries and no dead-letter decision here: a batch that
/// fails is rolled back whole, and its entries are invoked one by one, where those are decided.
/// </summary>
internal sealed class BatchInvoker(
    IServiceScopeFactory scopes,
    DeliveryTelemetry telemetry,
    ConsumerIdentity identity,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger<BatchInvoker> logger)
{
    /// <summary>True when the batch committed; false when it rolled back (a handler threw, the commit failed, or shutdown aborted it).</summary>
    public async Task<bool> InvokeTogetherAsync(string key, IReadOnlyList<Decoded.Invoke> batch, CancellationToken abort)
    {
        using var batchActivity = telemetry.StartBatch(key, batch);
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var transaction = scope.ServiceProvider.GetRequiredService<IBatchTransaction>();
            Completion[] completions;
            try
            {
                completions = await RunInOneTransactionAsync(key, batch, scope.ServiceProvider, transaction, abort).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                await RollBackAsync(key, transaction).ConfigureAwait(false);
                MessagingLog.HandlerAborted(logger, key, batch[0].Delivery.EntryId);
                batchActivity?.SetStatus(ActivityStatusCode.Error, "aborted by shutdown");
                return false;
            }
            // A handler may throw anything; the entries are then invoked one by one, where it is decided about.
            catch (Exception exception)
            {
                await RollBackAsync(key, transaction).ConfigureAwait(false);
                MessagingLog.BatchRolledBack(logger, exception, key, batch.Count);
                metrics.BatchRolledBack(key, identity.Group);
                batchActivity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                batchActivity.SetRecordedTag(MessagingTelemetry.OutcomeTag, "rolled_back");
                return false;
            }

            // Counted only now: a batch that rolled back is invoked (and counted) again, one by one.
            metrics.BatchCommitted(key, identity.Group, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                telemetry.Completed(key, batch[i].Delivery, batch[i].Envelope, completions[i].Handled, completions[i].Duration);
            }

            foreach (var (entry, completion) in batch.Zip(completions))
            {
                HandlerInvoker.RunAfterCommit(completion.AfterCommit, key, entry.Delivery.EntryId, logger);
            }

            batchActivity.SetRecordedTag(MessagingTelemetry.OutcomeTag, "committed");
            return true;
        }
    }

    /// <summary>Begin, each entry in stream order (its span, inbox, handlers, flush), commit; throws when anything fails.</summary>
    private async Task<Completion[]> RunInOneTransactionAsync(
        string key, IReadOnlyList<Decoded.Invoke> batch, IServiceProvider services, IBatchTransaction transaction, CancellationToken abort)
    {
        var context = services.GetRequiredService<DeliveryContext>();
        var completions = new Completion[batch.Count];
        await transaction.BeginAsync(identity.Group, [.. batch.Select(entry => entry.Envelope.EventId)], abort).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            var (delivery, envelope, _) = batch[i];
            using var activity = telemetry.StartProcessing(key, delivery, envelope);
            activity.SetRecordedTag(MessagingTelemetry.BatchSizeTag, batch.Count);
            var started = timeProvider.GetTimestamp();
            var handled = await HandlerInvoker.DispatchAsync(services, context, key, identity, batch[i], abort).ConfigureAwait(false);
            await transaction.EntryHandledAsync(abort).ConfigureAwait(false);
            completions[i] = new Completion(handled, timeProvider.GetElapsedTime(started), context.TakeAfterCommit());
            activity.SetRecordedTag(MessagingTelemetry.OutcomeTag, handled ? "handled" : "duplicate");
        }

        await transaction.CommitAsync(abort).ConfigureAwait(false);
        return completions;
    }

    private async Task RollBackAsync(string key, IBatchTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        // A rollback that fails still ends with the scope: disposing the connection rolls back.
        catch (Exception exception)
        {
            MessagingLog.BatchRollbackFailed(logger, exception, key);
        }
    }

    /// <summary>How one entry of the batch went, reported once the batch is committed.</summary>
    private readonly record struct Completion(bool Handled, TimeSpan Duration, List<Action>? AfterCommit);
}
