using Npgsql;

namespace Shop.Testing;

/// <summary>Databases of the tests' own on a PostgreSQL server, made and dropped as its superuser.</summary>
public static class PostgresDatabases
{
    /// <summary>A new, empty database named after <paramref name="prefix"/> and owned by the superuser: its connection string.</summary>
    public static string Create(string adminConnectionString, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        using var connection = new NpgsqlConnection(adminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database <see cref="Create"/> made, closing whatever connections a stopped service left.</summary>
    public static async Task DropAsync(string adminConnectionString, string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
