using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Consuming;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.Messaging.Inbox;

namespace Shop.Messaging.EntityFrameworkCore.Inbox;

/// <summary>
/// The inbox in the service's own database. The record is added to the same DbContext the handlers use (one per
/// delivery scope), so the handlers' <c>SaveChanges</c> commits effect and record in one transaction: either
/// both are there, and a redelivery is skipped, or neither is, and the redelivery applies the effect.
/// </summary>
/// <remarks>
/// In a batch (one transaction for several deliveries) the batch's events are looked up in one query first, and the
/// events recorded since count as applied too: a duplicate inside the batch is caught without another query.
/// </remarks>
/// <remarks>
/// An event applied already is not simply skipped: what its handling raised is published again
/// (<see cref="InboxOptions.ReplayOutcomes"/>), so that a sender who asks again because the answer never arrived — a
/// lost entry, a saga's re-drive — gets that same answer, with the same event ids, instead of silence.
/// </remarks>
internal sealed class EntityFrameworkInbox<TDbContext>(
    TDbContext db, IOptions<InboxOptions> options, OutboxCommitInterceptor outboxCommits, ILogger<EntityFrameworkInbox<TDbContext>> logger, TimeProvider timeProvider) : IInbox
    where TDbContext : DbContext
{
    private InboxMessage? _record;

    // The batch's events this group has applied (looked up, or recorded in the batch); null outside a batch.
    private HashSet<Guid>? _appliedInBatch;

    public async ValueTask<bool> TryBeginAsync(DeliveryContext delivery, Type eventType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(eventType);
        _record = null;
        if (options.Value.ExcludedEventTypes.Contains(eventType))
        {
            return true;
        }

        var applied = _appliedInBatch is { } known
            ? !known.Add(delivery.EventId)
            : await db.Set<InboxMessage>().AnyAsync(
                message => message.ConsumerGroup == delivery.Group && message.EventId == delivery.EventId, cancellationToken).ConfigureAwait(false);
        if (applied)
        {
            if (options.Value.ReplayOutcomes)
            {
                await ReplayOutcomeAsync(delivery, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        _record = new InboxMessage
        {
            ConsumerGroup = delivery.Group,
            EventId = delivery.EventId,
            EventType = eventType.Name,
            Stream = delivery.Stream,
            EntryId = delivery.EntryId,
            ProcessedAt = timeProvider.GetUtcNow().UtcDateTime,
        };
        db.Set<InboxMessage>().Add(_record);
        return true;
    }

    public async ValueTask CompleteAsync(DeliveryContext delivery, CancellationToken cancellationToken)
    {
        // A handler that changed nothing (e.g. an event that is no longer relevant) saved nothing: the record
        // still has to be kept, or the next delivery would run it again.
        if (_record is not null && db.Entry(_record).State == EntityState.Added)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks the outbox rows that <paramref name="delivery"/>'s event caused unpublished and unleased again, so the
    /// relay sends them once more. That includes a row a relay holds right now: it may have sent the entry already and
    /// not yet marked the row, and the relay marks only rows still under its own lease, so the row is sent again rather
    /// than the repeat going unanswered. Rows neither published nor leased go anyway. In a batch this is part of the
    /// batch's transaction.
    /// </summary>
    private async Task ReplayOutcomeAsync(DeliveryContext delivery, CancellationToken cancellationToken)
    {
        var cause = delivery.EventId.ToString();
        var replayed = await db.Set<OutboxMessage>()
            .Where(message => message.CausationId == cause && (message.PublishedAt != null || message.LeaseToken != null))
            .ExecuteUpdateAsync(update => update
                .SetProperty(message => message.PublishedAt, (DateTime?)null)
                .SetProperty(message => message.LeaseToken, (string?)null)
                .SetProperty(message => message.LeasedUntil, (DateTime?)null), cancellationToken).ConfigureAwait(false);
        if (replayed > 0)
        {
            outboxCommits.RowsReleased(db);
            StoreLog.OutcomeReplayed(logger, delivery.EventId, delivery.Group, replayed);
        }
    }

    /// <summary>Batch start: which of <paramref name="eventIds"/> has <paramref name="group"/> applied? One query for all.</summary>
    internal async Task LookUpAsync(string group, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        var applied = await db.Set<InboxMessage>().AsNoTracking()
            .Where(message => message.ConsumerGroup == group && eventIds.Contains(message.EventId))
            .Select(message => message.EventId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        _appliedInBatch = [.. applied];
    }

    /// <summary>The batch rolled back: what it recorded is gone, and the entries are looked up one by one again.</summary>
    internal void ForgetLookUp() => _appliedInBatch = null;
}
