using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Shop.AppHost.Database;

/// <summary>
/// The privileged step for one service's database: as the server's superuser (which no service is), it creates the
/// service's user with its password and the database owned by that user, and takes from everyone else the right to
/// connect to it; only then does the database report healthy, so the service, which waits for it, finds both there.
/// Idempotent: a server that lost its data gets them again on the next check.
/// </summary>
internal sealed class ServiceDatabaseProvisioning(Func<CancellationToken, Task<string?>> adminConnectionString, ServiceDatabaseResource database) : IHealthCheck
{
    // The password is set once per AppHost run: a role kept from an earlier run may have another one.
    private bool _passwordSet;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var admin = await adminConnectionString(cancellationToken) ?? throw new InvalidOperationException("The server has no address yet.");
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(cancellationToken);
            var created = await EnsureUserAsync(connection, cancellationToken) | await EnsureDatabaseAsync(connection, cancellationToken);
            return HealthCheckResult.Healthy(created ? $"Created {database.Name}, owned by {database.User}." : null);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{database.Name} is not ready for {database.User} yet.", exception);
        }
    }

    private async Task<bool> EnsureUserAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var exists = await ScalarAsync(connection, "SELECT count(*) FROM pg_roles WHERE rolname = $1", database.User, cancellationToken) > 0;
        if (exists && _passwordSet)
        {
            return false;
        }

        // Utility statements take no parameters: the password goes in as a quoted literal.
        var password = (await database.Password.GetValueAsync(cancellationToken) ?? "").Replace("'", "''", StringComparison.Ordinal);
        await ExecuteAsync(connection, $"{(exists ? "ALTER" : "CREATE")} ROLE {Quote(database.User)} WITH LOGIN PASSWORD '{password}'", cancellationToken);
        _passwordSet = true;
        return !exists;
    }

    private async Task<bool> EnsureDatabaseAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, "SELECT count(*) FROM pg_database WHERE datname = $1", database.Name, cancellationToken) > 0)
        {
            return false;
        }

        // The owner may create its tables (PostgreSQL 15+ lets only a database's owner create in its public schema); no
        // one else may even connect, so another service's user cannot read it.
        await ExecuteAsync(connection, $"CREATE DATABASE {Quote(database.Name)} OWNER {Quote(database.User)}", cancellationToken);
        await ExecuteAsync(connection, $"REVOKE CONNECT, TEMPORARY ON DATABASE {Quote(database.Name)} FROM PUBLIC", cancellationToken);
        return true;
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, string value, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = value } } };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
