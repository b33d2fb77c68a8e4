using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// The relay's lease, as one statement with the table and column names of the model: <c>UPDATE … SET lease WHERE Id IN
/// (oldest unpublished, unleased or lease run out, LIMIT n) RETURNING *</c> — lease and read at once (SQLite 3.35+ and
/// PostgreSQL have <c>RETURNING</c>). Parameters {0} lease token, {1} lease end, {2} now, {3} batch size.
/// </summary>
/// <remarks>
/// Two relays on one database must never lease the same row. SQLite runs the statement under its single write lock, so
/// the second relay's subquery already sees the first one's lease. PostgreSQL runs both at once under READ COMMITTED:
/// both subqueries would pick the same oldest rows, and the second UPDATE, once the first commits, would lease them
/// again. <c>FOR UPDATE SKIP LOCKED</c> in the subquery makes each relay lock the rows it picks and pass over the rows
/// another relay holds, so concurrent relays take disjoint batches without waiting for each other.
/// </remarks>
internal static class OutboxLeaseStatement
{
    private const string Sqlite = "Microsoft.EntityFrameworkCore.Sqlite";
    private const string Npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static string For(DbContext db)
    {
        var rowLocks = db.Database.ProviderName switch
        {
            Sqlite => "",
            Npgsql => " FOR UPDATE SKIP LOCKED",
            var other => throw new NotSupportedException(
                $"The outbox relay leases rows on SQLite and PostgreSQL; {other} needs its own row-locking clause in {nameof(OutboxLeaseStatement)}."),
        };
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))
                     ?? throw new InvalidOperationException($"{db.GetType().Name} has no outbox table: call AddMessagingTables() in OnModelCreating.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        var storeObject = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(storeObject)!);
        var (id, publishedAt, leaseToken, leasedUntil) = (Column(nameof(OutboxMessage.Id)), Column(nameof(OutboxMessage.PublishedAt)),
            Column(nameof(OutboxMessage.LeaseToken)), Column(nameof(OutboxMessage.LeasedUntil)));
        return $"UPDATE {table} SET {leaseToken} = {{0}}, {leasedUntil} = {{1}} WHERE {id} IN (" +
               $"SELECT {id} FROM {table} WHERE {publishedAt} IS NULL AND ({leasedUntil} IS NULL OR {leasedUntil} < {{2}}) " +
               $"ORDER BY {id} LIMIT {{3}}{rowLocks}) RETURNING *";
    }
}
