using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.Messaging.Publishing;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// Publishes committed outbox rows to their streams in commit order, and marks them published. Woken right after
/// a commit; sweeps every <see cref="OutboxOptions.SweepInterval"/> as a safety net; backs off while Redis is
/// unreachable. Rows are leased in batches so that several instances on one database do not send a row twice; a
/// crash between XADD and marking sends it again after the lease, with the same event id, which the inbox on the
/// consuming side absorbs.
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var backoff = settings.RetryBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Drain: a full batch means there may be more right behind it.
                while (await RelayBatchAsync(settings, stoppingToken).ConfigureAwait(false) == settings.BatchSize)
                {
                }

                backoff = settings.RetryBackoff;
                await signal.WaitAsync(settings.SweepInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or DbException or DbUpdateException)
            {
                StoreLog.RelayFailed(logger, exception, backoff);
                try
                {
                    await Task.Delay(backoff, timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxRetryBackoff.Ticks));
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
            var outbox = db.Set<OutboxMessage>();
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var lease = Guid.NewGuid().ToString("N");
            var leaseEnds = now + settings.LeaseDuration;

            // One UPDATE takes the oldest unpublished rows whose lease (if any) has run out: SQLite runs it under its
            // single write lock, so two relays can never lease the same row. Every write of the relay runs in a
            // transaction of its own so that it queues at the write gate with the other writers of this process.
            var leaseTransaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var leaseScope = leaseTransaction.ConfigureAwait(false);
            var leased = await outbox
                .Where(message => message.PublishedAt == null && (message.LeasedUntil == null || message.LeasedUntil < now))
                .OrderBy(message => message.Id)
                .Take(settings.BatchSize)
                .ExecuteUpdateAsync(update => update
                    .SetProperty(message => message.LeaseToken, lease)
                    .SetProperty(message => message.LeasedUntil, leaseEnds), cancellationToken).ConfigureAwait(false);
            if (leased == 0)
            {
                return 0;
            }

            var rows = await outbox.AsNoTracking()
                .Where(message => message.LeaseToken == lease && message.PublishedAt == null)
                .OrderBy(message => message.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            await leaseTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            // Started in order on one connection, the XADDs are pipelined and land in the streams in commit order.
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

            var publishedAt = timeProvider.GetUtcNow().UtcDateTime;
            var markTransaction = await db.Database.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var markScope = markTransaction.ConfigureAwait(false);
            await outbox.Where(message => published.Contains(message.Id))
                .ExecuteUpdateAsync(update => update
                    .SetProperty(message => message.PublishedAt, publishedAt)
                    .SetProperty(message => message.LeaseToken, (string?)null)
                    .SetProperty(message => message.LeasedUntil, (DateTime?)null), CancellationToken.None).ConfigureAwait(false);

            if (failure is not null)
            {
                // Give the failed rows back at once, so the retry after the backoff need not wait out the lease.
                var error = $"{failure.GetType().Name}: {failure.Message}";
                await outbox.Where(message => message.LeaseToken == lease && message.PublishedAt == null)
                    .ExecuteUpdateAsync(update => update
                        .SetProperty(message => message.Attempts, message => message.Attempts + 1)
                        .SetProperty(message => message.LastError, error)
                        .SetProperty(message => message.LeaseToken, (string?)null)
                        .SetProperty(message => message.LeasedUntil, (DateTime?)null), CancellationToken.None).ConfigureAwait(false);
                await markTransaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                throw failure;
            }

            await markTransaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);

            StoreLog.Relayed(logger, published.Count);
            return rows.Count;
        }
    }
}
