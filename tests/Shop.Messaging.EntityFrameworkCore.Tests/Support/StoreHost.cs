using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.Sqlite;
using Shop.Messaging.Security;

namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>
/// A host wired as a service is: Aspire's Redis client, the bus, the EF store on a real database (a SQLite file with the
/// SQLite tuning, or PostgreSQL in the PostgreSQL assembly, see <see cref="TestDatabases"/>), Mediator.
/// </summary>
public static class StoreHost
{
    public static IHost Build(
        string redisConnectionString,
        string stream,
        string databaseConnectionString,
        HandlerFaults? faults = null,
        bool consume = true,
        IDictionary<string, string?>? settings = null,
        TimeProvider? timeProvider = null,
        Action<EntityFrameworkMessagingBuilder<CounterDb>>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redisConnectionString,
            ["Messaging:ConsumerName"] = RedisFixture.UniqueName("consumer"),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        if (Environment.GetEnvironmentVariable("SHOP_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug);
        }

        builder.AddRedisClient("redis", configureOptions: options => options.CommandMap = MessagingAcl.CommandMap);
        builder.Services.AddDbContext<CounterDb>(options =>
        {
            if (TestDatabases.OnPostgres)
            {
                options.UseNpgsql(databaseConnectionString);
            }
            else
            {
                options.UseSqlite(databaseConnectionString);
            }
        });
        var messaging = builder.AddMessaging("counter-service").AddEvent(stream, CounterJsonContext.Default.CounterBumped);
        if (consume)
        {
            messaging.Consume(stream);
        }

        var store = messaging.UseEntityFrameworkStore<CounterDb>(builder.Configuration);
        if (!TestDatabases.OnPostgres)
        {
            store.UseSqliteTuning();
        }

        configure?.Invoke(store);
        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddSingleton(faults ?? new HandlerFaults());
        var host = builder.Build();
        using var scope = host.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CounterDb>().Database.EnsureCreated();
        return host;
    }
}
