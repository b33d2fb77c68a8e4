using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Shop.Messaging.EntityFrameworkCore.Storage;

/// <summary>
/// SQLite in WAL mode with a busy timeout: readers no longer wait for the writer, and the relay and the request
/// path queue for the single write lock instead of failing with SQLITE_BUSY. <c>synchronous = NORMAL</c> is the
/// setting WAL is designed for: a commit survives a crash of the process, and only a power loss or an OS crash can
/// undo the last transactions, each whole (the change and its outbox rows together, never one without the other),
/// while a commit costs no fsync.
/// </summary>
internal sealed class SqliteWalInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection)
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
