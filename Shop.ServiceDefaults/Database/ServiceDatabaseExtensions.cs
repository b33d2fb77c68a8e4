using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Shop.ServiceDefaults;

/// <summary>A service's own database, on whichever provider its connection string names.</summary>
public static class ServiceDatabaseExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TDbContext"/>, pooled, on <c>ConnectionStrings:{name}</c> (a SQLite file
    /// <c>data/{name}.db</c> when none is configured), with a readiness check named <paramref name="name"/>; returns the
    /// provider, for what only one of them needs.
    /// </summary>
    public static DatabaseProvider AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder, string name)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.DatabaseConnectionString(name);
        var provider = DatabaseProviders.Of(connectionString);
        if (provider == DatabaseProvider.Postgres)
        {
            // Aspire's client: pooling, the command timeout, Npgsql's metrics (connection pool, commands) in the dashboard.
            builder.AddNpgsqlDbContext<TDbContext>(name, settings =>
            {
                // The bus opens its own transactions (a batch, an outbox lease), which a retrying execution strategy
                // refuses; a failed delivery is retried by the bus, a failed request by its client.
                settings.DisableRetry = true;
                // The EF Core instrumentation of the service defaults traces every command already, on both providers.
                settings.DisableTracing = true;
                // The same readiness check as on SQLite, below.
                settings.DisableHealthChecks = true;
                settings.ConnectionString = WithoutSessionResets(settings.ConnectionString);
            },
            // Npgsql's own strategy, even without retries, wraps a lost connection in an InvalidOperationException; EF
            // Core's plain one lets the provider's exception (a DbException that says it is transient) through, which
            // the bus's retries and the 503 of the API recognize on either provider.
            options => options.UseNpgsql(npgsql => npgsql.ExecutionStrategy(dependencies => new NonRetryingExecutionStrategy(dependencies))));
        }
        else
        {
            builder.Services.AddDbContextPool<TDbContext>(options => options.UseSqlite(connectionString));
        }

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TDbContext>>(name);
        return provider;
    }

    /// <summary>
    /// EF Core takes a pooled connection for every operation and gives it back after, and Npgsql resets a returned
    /// connection's session (<c>DISCARD ALL</c>) before its next use, which also forgets its prepared statements. The
    /// services keep no session state (the migrations' advisory lock is released by hand), so they skip the reset and
    /// let Npgsql prepare the statements they run again and again, once per connection. A setting the connection string
    /// gives itself is kept.
    /// </summary>
    private static string? WithoutSessionResets(string? connectionString)
    {
        if (connectionString is null)
        {
            return null;
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset", StringComparison.OrdinalIgnoreCase))
        {
            settings.NoResetOnClose = true;
        }

        if (!connectionString.Contains("Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }

        return settings.ConnectionString;
    }

    /// <summary>
    /// <c>ConnectionStrings:{name}</c>, else a SQLite file <c>{name}.db</c> in the service's <c>data</c> folder
    /// (created if missing).
    /// </summary>
    public static string DatabaseConnectionString(this IHostApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } configured)
        {
            return configured;
        }

        var folder = Path.Combine(builder.Environment.ContentRootPath, "data");
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, $"{name}.db") }.ToString();
    }
}
