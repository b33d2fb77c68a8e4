using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults;

/// <summary>Start-up migrations, one set per provider, safe when several instances start at the same moment.</summary>
public static class DatabaseMigrationExtensions
{
    /// <summary>
    /// Applies the service's EF Core migrations, and its seeding (<c>UseAsyncSeeding</c>), before it takes traffic:
    /// <typeparamref name="TDbContext"/>'s own on SQLite, <typeparamref name="TOnPostgres"/>'s on PostgreSQL. Instances
    /// that start together take turns, under a lock of the database's own (see each provider's step below), so one
    /// migrates and seeds and the others find it done, and none logs an error that is not real.
    /// </summary>
    /// <typeparam name="TDbContext">The service's context, whose own migrations are SQLite's.</typeparam>
    /// <typeparam name="TOnPostgres">
    /// <typeparamref name="TDbContext"/> under another name, holding PostgreSQL's migrations: EF Core finds a context's
    /// migrations by the context's type, so a second provider's set needs a type of its own.
    /// </typeparam>
    public static async Task MigrateDatabaseAsync<TDbContext, TOnPostgres>(this WebApplication app)
        where TDbContext : DbContext
        where TOnPostgres : TDbContext
    {
        ArgumentNullException.ThrowIfNull(app);
        var scope = app.Services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            if (!db.Database.IsNpgsql())
            {
                await MigrateSqliteAsync(db).ConfigureAwait(false);
                return;
            }

            // The same options (connection, interceptors, seeding), in the type whose migrations are PostgreSQL's.
            var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<TDbContext>>();
            var onPostgres = ActivatorUtilities.CreateInstance<TOnPostgres>(scope.ServiceProvider, options);
            await using (onPostgres.ConfigureAwait(false))
            {
                await MigratePostgresAsync(onPostgres).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// EF Core locks the migrations, but not the creation of a new database file before them: instances that create one
    /// file at once each switch it to WAL, and one fails (<c>SQLITE_READONLY</c>). A lock file beside the database makes
    /// them take turns; only processes on this machine can share a SQLite file, and they all see that lock.
    /// </summary>
    private static async Task MigrateSqliteAsync(DbContext db)
    {
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        var turn = await ExclusiveFile.OpenAsync(file + ".migrations-lock").ConfigureAwait(false);
        await using (turn.ConfigureAwait(false))
        {
            await db.Database.MigrateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// EF Core reads the migrations history before it takes its own lock: on a fresh database that read fails and is
    /// logged as an error (a red badge in the dashboard, for nothing), and instances that start together race to create
    /// the history table. A session advisory lock taken first, on the connection the migrations then run on, and the
    /// history table created under it, leave neither.
    /// </summary>
    private static async Task MigratePostgresAsync(DbContext onPostgres)
    {
        var database = onPostgres.Database;
        await database.OpenConnectionAsync().ConfigureAwait(false);
        try
        {
            await database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationsLockKey})").ConfigureAwait(false);
            try
            {
                await onPostgres.GetService<IHistoryRepository>().CreateIfNotExistsAsync().ConfigureAwait(false);
                await database.MigrateAsync().ConfigureAwait(false);
            }
            finally
            {
                // By hand: the services' pooled connections skip the session reset that would release it.
                await database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationsLockKey})").ConfigureAwait(false);
            }
        }
        finally
        {
            await database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The advisory lock's key: any constant, since PostgreSQL scopes advisory locks to the database.</summary>
    private const long MigrationsLockKey = 0x5348_4F50_4D49_47; // "SHOPMIG"
}
