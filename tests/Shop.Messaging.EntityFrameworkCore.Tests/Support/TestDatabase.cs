namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>A SQLite file of one test's own, deleted with its WAL files afterwards.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shop-sqlite-").FullName;

    public string File => Path.Combine(_directory, "service.db");

    public void Dispose()
    {
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
