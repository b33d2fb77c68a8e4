using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Shop.Messaging.EntityFrameworkCore.Sqlite;

/// <summary>
/// SQLite in WAL mode with a busy timeout: readers no longer wait for the writer, and writers of other processes
/// queue for the single write lock instead of failing with SQLITE_BUSY (within a process, <see cref="SqliteWriteGate"/>
/// queues them). <c>synchronous = NORMAL</c> is the setting WAL is designed for: a commit survives a crash of the
/// process, and only a power loss or an OS crash can undo the last transactions, each whole (the change and its outbox
/// rows together, never one without the other), while a commit costs no fsync.
/// </summary>
/// <remarks>
/// The settings belong to the physical connection, which Microsoft.Data.Sqlite pools: they are applied once per
/// physical connection, not at every open (EF opens and closes the pooled connection around every operation).
/// </remarks>
internal sealed class SqliteWalInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection sqlite && IsNew(sqlite))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection sqlite && IsNew(sqlite))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The native handle lives as long as the physical connection: a new handle is a new connection.
    private bool IsNew(SqliteConnection connection) =>
        connection.Handle is { } handle && _configured.TryAdd(handle, handle);
}
