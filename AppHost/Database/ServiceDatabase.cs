namespace Shop.AppHost.Database;

/// <summary>
/// A service's database as the AppHost hands it over (see <see cref="ShopDatabases.Add(string, string)"/>): a SQLite file, or a
/// connection-string resource — a database of the AppHost's PostgreSQL, or your own server's.
/// </summary>
internal sealed class ServiceDatabase
{
    /// <summary>The connection string's name: the service reads <c>ConnectionStrings:{Name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>Data Source=…</c> of the SQLite file; null when <see cref="Resource"/> is set.</summary>
    public string? SqliteConnectionString { get; init; }

    /// <summary>The connection string's resource (PostgreSQL or <c>External</c>); null for a SQLite file.</summary>
    public IResourceBuilder<IResourceWithConnectionString>? Resource { get; init; }

    /// <summary>
    /// What a service waits for before it starts: the AppHost's PostgreSQL database, healthy once its user exists. A
    /// SQLite file is created by the service itself, and your own server is up before the AppHost starts: null.
    /// </summary>
    public IResourceBuilder<IResource>? ReadyWhen { get; init; }
}
