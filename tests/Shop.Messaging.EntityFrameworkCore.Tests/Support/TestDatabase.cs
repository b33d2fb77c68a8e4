namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>
/// A database of one test's own: a SQLite file (deleted with its WAL files afterwards), or a PostgreSQL database
/// (dropped afterwards) in the PostgreSQL assembly (<see cref="TestDatabases"/>).
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shop-store-").FullName;

    public TestDatabase() => ConnectionString = TestDatabases.Create("store", _directory);

    public string ConnectionString { get; }

    public void Dispose()
    {
        TestDatabases.DropAsync(ConnectionString).GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A background service of a disposed host may still be closing its connection; the OS cleans temp folders.
        }
    }
}
