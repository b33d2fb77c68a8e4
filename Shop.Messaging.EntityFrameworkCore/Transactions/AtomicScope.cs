using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Shop.Messaging.EntityFrameworkCore.Transactions;

/// <summary>
/// All or nothing, and it nests: a transaction of its own when none is open, otherwise a savepoint inside the one that
/// is (a batch's, see batched handling in docs/event-bus.md). A handler that must undo part of its work (e.g. a reservation
/// whose last line does not fit) uses this instead of <c>BeginTransactionAsync</c>, and behaves the same alone and in
/// a batch. A rollback undoes the database's changes, not the state of tracked entities: track nothing you may roll back.
/// </summary>
public sealed class AtomicScope : IAsyncDisposable
{
    private static long s_savepoints;
    private readonly IDbContextTransaction _transaction;
    private readonly string? _savepoint;
    private bool _ended;

    private AtomicScope(IDbContextTransaction transaction, string? savepoint)
    {
        _transaction = transaction;
        _savepoint = savepoint;
    }

    /// <summary>Opens the scope on <paramref name="database"/>: a transaction, or a savepoint in the current one.</summary>
    public static async Task<AtomicScope> BeginAsync(DatabaseFacade database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.CurrentTransaction is { } outer)
        {
            var savepoint = $"atomic_{Interlocked.Increment(ref s_savepoints)}";
            await outer.CreateSavepointAsync(savepoint, cancellationToken).ConfigureAwait(false);
            return new AtomicScope(outer, savepoint);
        }

        return new AtomicScope(await database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false), savepoint: null);
    }

    /// <summary>Keeps the changes: commits the transaction, or releases the savepoint into the outer transaction.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        _ended = true;
        if (_savepoint is null)
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _transaction.ReleaseSavepointAsync(_savepoint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Undoes the changes made since the scope began; an outer transaction goes on.</summary>
    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        _ended = true;
        if (_savepoint is null)
        {
            await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // ROLLBACK TO keeps the savepoint open; releasing it leaves the outer transaction as it was before the scope.
            await _transaction.RollbackToSavepointAsync(_savepoint, cancellationToken).ConfigureAwait(false);
            await _transaction.ReleaseSavepointAsync(_savepoint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rolls back unless committed or rolled back; a transaction of its own ends here.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            await RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (_savepoint is null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary><c>db.Database.BeginAtomicAsync()</c>: see <see cref="AtomicScope"/>.</summary>
public static class AtomicScopeExtensions
{
    public static Task<AtomicScope> BeginAtomicAsync(this DatabaseFacade database, CancellationToken cancellationToken = default) =>
        AtomicScope.BeginAsync(database, cancellationToken);
}
