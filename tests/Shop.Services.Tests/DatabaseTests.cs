using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shop.InventoryService.Data;
using Shop.NotificationService.Data;
using Shop.OrderService.Data;
using Shop.Services.Tests.Support;

namespace Shop.Services.Tests;

/// <summary>
/// The services' database, on either provider: the one the connection string names, with only that provider's tuning,
/// migrated and seeded once however many instances start at the same moment.
/// </summary>
public sealed class DatabaseTests(RedisFixture redis)
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_service_runs_on_the_provider_its_connection_string_names_with_that_providers_tuning_only()
    {
        await using var shop = ShopInProcess.Start(redis);
        var expected = TestDatabases.OnPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite";

        foreach (var (services, context) in new[]
                 {
                     (shop.Orders.Services, typeof(OrderDb)), (shop.Inventory.Services, typeof(InventoryDb)), (shop.Notifications.Services, typeof(NotificationDb)),
                 })
        {
            await using var scope = services.CreateAsyncScope();
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(context);
            Assert.Equal(expected, db.Database.ProviderName);
            // The write gate and WAL set-up are SQLite's: one writer per file. On PostgreSQL they must not load at all.
            var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.Interceptors ?? [];
            Assert.Equal(!TestDatabases.OnPostgres, interceptors.Any(interceptor => interceptor.GetType().Name.StartsWith("Sqlite", StringComparison.Ordinal)));
            if (TestDatabases.OnPostgres)
            {
                // No session reset between EF Core's operations, and the repeated statements prepared (ServiceDatabaseExtensions).
                var settings = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
                Assert.True(settings.NoResetOnClose);
                Assert.Equal(64, settings.MaxAutoPrepare);
            }
        }
    }

    [Fact]
    public async Task Instances_that_start_at_the_same_moment_migrate_and_seed_once_and_log_no_error()
    {
        var database = redis.ConnectionStringFor(redis.UniqueDatabase());
        await using var first = new ServiceHost<InventoryDb>(database, "inventorydb", configureServices: LogToCollector);
        var instances = new[] { first }.Concat(Enumerable.Range(0, 3).Select(_ =>
            new ServiceHost<InventoryDb>(database, "inventorydb", configureServices: LogToCollector, databaseConnectionString: first.DatabaseConnectionString))).ToList();
        try
        {
            // Creating a client starts the host: migrations and the catalog seed, all four at once on one fresh database.
            await Task.WhenAll(instances.Select(instance => Task.Run(instance.CreateClient, _cancellation)));

            var products = await instances[^1].CreateClient().GetFromJsonAsync<List<ProductView>>("/products", _cancellation);
            Assert.Equal(CatalogSize, products!.Count);
            Assert.All(instances, instance => Assert.DoesNotContain(
                instance.Services.GetFakeLogCollector().GetSnapshot(), log => log.Level >= LogLevel.Error));
        }
        finally
        {
            foreach (var instance in instances.Skip(1))
            {
                await instance.DisposeAsync();
            }
        }
    }

    /// <summary>The products a fresh InventoryService database starts with.</summary>
    private const int CatalogSize = 6;

    private static void LogToCollector(IServiceCollection services) => services.AddLogging(logging => logging.AddFakeLogging());
}
