using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.Messaging.Publishing;
using Shop.Messaging.Resilience;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// Publishes committed outbox rows to their streams in commit order, and marks them published. Woken right after
/// a commit; sweeps every <see cref="OutboxOptions.SweepInterval"/> as a safety net; backs off while Redis is
/// unreachable. Rows are leased in batches so that several instances on one database do not send a row twice; a
/// crash between XADD and marking sends it again after the lease, with the same event id, which the inbox on the
/// consuming side absorbs; so does a batch published again because its replicas fell short of
/// <c>Messaging:MinReplicas</c>.
/// </summary>
internal sealed class OutboxRelay<TDbContext>(
    IServiceScopeFactory scopes,
    IStreamPublisher publisher,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxRelay<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    private string? _leaseSql;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // While Redis or the database fails, pause RetryBackoff, then twice as long each time, at most MaxRetryBackoff.
        var untilItWorks = Retries.UntilCancelled(
            timeProvider, settings.RetryBackoff, settings.MaxRetryBackoff,
            exception => exception is RedisException or TimeoutException or DbException or DbUpdateException,
            (_, exception, pause, _) =>
            {
                StoreLog.RelayFailed(logger, exception, pause);
                return ValueTask.CompletedTask;
            });

        while (!stoppingToken.IsCancellationRequested)
        {
            // Drain: a full batch means there may be more right behind it. False: stopped before it was drained.
            if (!await untilItWorks.RunAsync("relay the outbox", async cancellation =>
                {
                    while (await RelayBatchAsync(settings, cancellation).ConfigureAwait(false) == settings.BatchSize)
                    {
                    }
                }, stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                await signal.WaitAsync(settings.SweepInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Leases, publishes and marks one batch; returns how many rows it leased.</summary>
    internal async Task<int> RelayBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var lease = Guid.NewGuid().ToString("N");
            var rows = await LeaseAsync(db, lease, settings, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return 0;
            }

            var (published, failure) = await PublishAsync(rows).ConfigureAwait(false);
            await MarkAsync(db, lease, published, failure).ConfigureAwait(false);
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            StoreLog.Relayed(logger, published.Count);
            return rows.Count;
        }
    }

    /// <summary>
    /// One statement takes the oldest unpublished rows whose lease (if any) has run out and returns them, in commit order;
    /// two relays never lease the same row (see <see cref="OutboxLeaseStatement"/>). Every write of the relay runs in a
    /// transaction of its own, so that on SQLite it queues at the write gate with the other writers of this process.
    /// </summary>
    private async Task<List<OutboxMessage>> LeaseAsync(TDbContext db, string lease, OutboxOptions settings, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var rows = await db.Set<OutboxMessage>()
            .FromSql(FormattableStringFactory.Create(
                _leaseSql ??= OutboxLeaseStatement.For(db), lease, now + settings.LeaseDuration, now, settings.BatchSize))
            .AsNoTracking()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        // RETURNING gives the rows in no particular order; commit order is the id's.
        rows.Sort((left, right) => left.Id.CompareTo(right.Id));
        return rows;
    }

    /// <summary>
    /// XADDs every row (started in order on one connection, they are pipelined and land in the streams in commit order),
    /// then, with <c>Messaging:MinReplicas</c>, waits for the replicas. Returns the ids of the rows that count as
    /// published, and the first failure, if any: a row whose XADD failed, or a whole batch whose replicas fell short.
    /// </summary>
    private async Task<(List<long> Published, Exception? Failure)> PublishAsync(List<OutboxMessage> rows)
    {
        var sends = rows.Select(row => publisher.PublishAsync(row.ToOutgoingEntry(), CancellationToken.None)).ToArray();
        var published = new List<long>(rows.Count);
        Exception? failure = null;
        for (var i = 0; i < sends.Length; i++)
        {
            try
            {
                await sends[i].ConfigureAwait(false);
                published.Add(rows[i].Id);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                failure ??= exception;
            }
        }

        if (failure is null)
        {
            try
            {
                // With Messaging:MinReplicas, a row counts as published only once enough replicas have its entry.
                await publisher.ConfirmReplicatedAsync(rows.Select(row => row.Stream), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Too few replicas, or no answer: publish the whole batch again after the backoff.
                failure = exception;
                published.Clear();
            }
        }

        return (published, failure);
    }

    /// <summary>
    /// Marks the published rows, and gives the rest of the lease back at once after a failure (so the retry after the
    /// backoff need not wait it out), in one transaction. Not cancellable: what was sent must be recorded.
    /// </summary>
    private async Task MarkAsync(TDbContext db, string lease, List<long> published, Exception? failure)
    {
        var outbox = db.Set<OutboxMessage>();
        var publishedAt = timeProvider.GetUtcNow().UtcDateTime;
        var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        // By primary key (the lease token has no index), and only rows still under this batch's lease: a row an inbox
        // replay released meanwhile (its cause arrived again) stays unpublished, and is sent again.
        await outbox.Where(message => published.Contains(message.Id) && message.LeaseToken == lease)
            .ExecuteUpdateAsync(update => update
                .SetProperty(message => message.PublishedAt, publishedAt)
                .SetProperty(message => message.LeaseToken, (string?)null)
                .SetProperty(message => message.LeasedUntil, (DateTime?)null), CancellationToken.None).ConfigureAwait(false);

        if (failure is not null)
        {
            var error = $"{failure.GetType().Name}: {failure.Message}";
            await outbox.Where(message => message.LeaseToken == lease && message.PublishedAt == null)
                .ExecuteUpdateAsync(update => update
                    .SetProperty(message => message.Attempts, message => message.Attempts + 1)
                    .SetProperty(message => message.LastError, error)
                    .SetProperty(message => message.LeaseToken, (string?)null)
                    .SetProperty(message => message.LeasedUntil, (DateTime?)null), CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
