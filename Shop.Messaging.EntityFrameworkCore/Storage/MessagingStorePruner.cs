using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.EntityFrameworkCore.Inbox;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.Resilience;

namespace Shop.Messaging.EntityFrameworkCore.Storage;

/// <summary>Keeps the outbox and inbox tables bounded: deletes published rows and inbox records past their retention.</summary>
internal sealed class MessagingStorePruner<TDbContext>(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> outboxOptions,
    IOptions<InboxOptions> inboxOptions,
    IOptions<PruningOptions> pruningOptions,
    TimeProvider timeProvider,
    ILogger<MessagingStorePruner<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodically.RunAsync(
            pruningOptions.Value.Interval, timeProvider, () => PruneAsync(stoppingToken),
            exception => exception is DbException or DbUpdateException,
            exception => StoreLog.PruneFailed(logger, exception),
            stoppingToken);

    internal async Task PruneAsync(CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var publishedBefore = now - outboxOptions.Value.Retention;
            var processedBefore = now - inboxOptions.Value.Retention;
            // Unpublished rows are never pruned, however old: they are events still owed to the streams. One
            // transaction, so the deletes queue at the write gate like every other writer.
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var outbox = await db.Set<OutboxMessage>()
                .Where(message => message.PublishedAt != null && message.PublishedAt < publishedBefore)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var inbox = await db.Set<InboxMessage>()
                .Where(message => message.ProcessedAt < processedBefore)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (outbox + inbox > 0)
            {
                StoreLog.Pruned(logger, outbox, inbox);
            }
        }
    }
}
