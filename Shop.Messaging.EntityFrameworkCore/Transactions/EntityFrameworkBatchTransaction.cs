using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Shop.Messaging.Consuming;
using Shop.Messaging.EntityFrameworkCore.Inbox;

namespace Shop.Messaging.EntityFrameworkCore.Transactions;

/// <summary>
/// A batch of deliveries in one transaction of the service's own DbContext: the inbox looks the batch's events up in
/// one query, every handler's <c>SaveChanges</c> writes into the transaction (its own transaction becomes a savepoint,
/// see <see cref="AtomicScope"/>), and one commit makes inbox records, effects and outbox rows durable together.
/// </summary>
internal sealed class EntityFrameworkBatchTransaction<TDbContext>(TDbContext db, EntityFrameworkInbox<TDbContext> inbox) : IBatchTransaction
    where TDbContext : DbContext
{
    private IDbContextTransaction? _transaction;

    public async ValueTask BeginAsync(string group, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        _transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The batch commits or rolls back as a whole: a savepoint around every SaveChanges would only cost statements.
        db.Database.AutoSavepointsEnabled = false;
        await inbox.LookUpAsync(group, eventIds, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask EntryHandledAsync(CancellationToken cancellationToken)
    {
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        // Every entry starts from what the database says, as it would alone, and the tracker stays small: the cost of
        // each SaveChanges would otherwise grow with the entries before it.
        db.ChangeTracker.Clear();
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await Current.CommitAsync(cancellationToken).ConfigureAwait(false);
        await EndAsync().ConfigureAwait(false);
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Nothing to undo in the database when the transaction never began (BEGIN itself failed).
            if (_transaction is not null)
            {
                await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            inbox.ForgetLookUp();
            await EndAsync().ConfigureAwait(false);
        }
    }

    private IDbContextTransaction Current => _transaction ?? throw new InvalidOperationException("The batch transaction has not begun.");

    private async ValueTask EndAsync()
    {
        db.Database.AutoSavepointsEnabled = true;
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }
    }
}
