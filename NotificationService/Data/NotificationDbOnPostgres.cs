using Microsoft.EntityFrameworkCore;
using Shop.ServiceDefaults;

namespace Shop.NotificationService.Data;

/// <summary>
/// <see cref="NotificationDb"/> as PostgreSQL's migrations know it (Data/Migrations/Postgres; its own are SQLite's). EF Core finds
/// a context's migrations by the context's type, so the second provider's set needs a type of its own; the service
/// always runs on <see cref="NotificationDb"/>, and only start-up migrates through this type when the database is PostgreSQL.
/// </summary>
public sealed class NotificationDbOnPostgres(DbContextOptions<NotificationDb> options) : NotificationDb(options);

/// <summary>For <c>dotnet ef migrations add &lt;Name&gt; --context NotificationDbOnPostgres --output-dir Data/Migrations/Postgres</c>.</summary>
internal sealed class NotificationDbOnPostgresFactory : PostgresDesignTimeFactory<NotificationDb, NotificationDbOnPostgres>;
