using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// Wakes the relay when outbox rows have committed: after <c>SaveChanges</c> when it ran its own transaction, or
/// when the caller's explicit transaction commits. Waking earlier would send the relay looking for rows it
/// cannot see yet.
/// </summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    // Whether a context has saved outbox rows that await their transaction's commit.
    private readonly ConditionalWeakTable<DbContext, object> _uncommitted = [];

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        NoteOutboxRows(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        NoteOutboxRows(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        WakeIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        WakeIfCommitted(eventData.Context);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Wake(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Wake(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    /// <summary>
    /// Outbox rows were made publishable again by a statement of <paramref name="context"/> (not by <c>SaveChanges</c>):
    /// wake the relay now, or when the context's transaction commits.
    /// </summary>
    public void RowsReleased(DbContext context)
    {
        if (context.Database.CurrentTransaction is null)
        {
            signal.Notify();
        }
        else
        {
            _uncommitted.AddOrUpdate(context, context);
        }
    }

    private void NoteOutboxRows(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(entry => entry.State == EntityState.Added))
        {
            _uncommitted.AddOrUpdate(context, context);
        }
    }

    private void WakeIfCommitted(DbContext? context)
    {
        // Inside an explicit transaction the rows are not visible to the relay until it commits.
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            Wake(context);
        }
    }

    private void Wake(DbContext? context)
    {
        if (context is not null && _uncommitted.Remove(context))
        {
            signal.Notify();
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _uncommitted.Remove(context);
        }
    }
}
