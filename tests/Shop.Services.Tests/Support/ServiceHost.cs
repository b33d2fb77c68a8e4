using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Shop.Services.Tests.Support;

/// <summary>
/// One service, run in-process with its real Program: its own SQLite file, and the Redis database its test was given
/// (the contract fixes the stream names, so tests isolate themselves by database).
/// </summary>
/// <typeparam name="TMarker">Any public type of the service's assembly (every service has a <c>Program</c>).</typeparam>
public sealed class ServiceHost<TMarker>(string redisConnectionString, string databaseName, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TMarker>
    where TMarker : class
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shop-service-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        builder.UseSetting($"ConnectionStrings:{databaseName}", $"Data Source={Path.Combine(_directory, databaseName + ".db")}");
        builder.UseSetting("Messaging:ConsumerName", $"{databaseName}-{Guid.NewGuid():N}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing; the OS cleans temp folders.
        }

        GC.SuppressFinalize(this);
    }
}
