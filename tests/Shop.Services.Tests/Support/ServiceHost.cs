using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Services.Tests.Support;

/// <summary>
/// One service, run in-process with its real Program: a database of its own (a SQLite file, or a PostgreSQL database
/// in the PostgreSQL assembly, see <see cref="TestDatabases"/>), and the Redis database its test was given (the contract
/// fixes the stream names, so tests isolate themselves by database).
/// </summary>
/// <typeparam name="TMarker">Any public type of the service's assembly (every service has a <c>Program</c>).</typeparam>
/// <param name="redisConnectionString">Redis, with the test's own database.</param>
/// <param name="databaseName">The service's connection string name (<c>orderdb</c>, …): its database is named after it.</param>
/// <param name="settings">More configuration, e.g. <c>Orders:ReservationTimeout</c>.</param>
/// <param name="configureServices">Replaces services after the service's own registrations, e.g. its <c>TimeProvider</c>.</param>
/// <param name="databaseConnectionString">Another instance's database, for a second instance on it; a new one when null.</param>
public sealed class ServiceHost<TMarker>(
    string redisConnectionString, string databaseName, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null,
    string? databaseConnectionString = null)
    : WebApplicationFactory<TMarker>
    where TMarker : class
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shop-service-").FullName;
    private string? _database;


    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        builder.UseSetting($"ConnectionStrings:{databaseName}", DatabaseConnectionString);
        builder.UseSetting("Messaging:ConsumerName", $"{databaseName}-{Guid.NewGuid():N}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }

    /// <summary>The service's database, for a second instance on it.</summary>
    public string DatabaseConnectionString => _database ??= databaseConnectionString ?? TestDatabases.Create(databaseName, _directory);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (databaseConnectionString is null && _database is { } created)
        {
            await TestDatabases.DropAsync(created);
        }

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
