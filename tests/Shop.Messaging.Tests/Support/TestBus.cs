using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.Security;

namespace Shop.Messaging.Tests.Support;

/// <summary>Builds a real host with the bus wired as a service wires it: Aspire's Redis client, Mediator, options from configuration.</summary>
public static class TestBus
{
    public static IHost Build(
        RedisFixture redis,
        string stream,
        HandlerProbe probe,
        string service = "test-service",
        string? consumer = null,
        IDictionary<string, string?>? settings = null,
        bool consume = true,
        TimeProvider? timeProvider = null,
        Action<HostApplicationBuilder>? configure = null,
        string? connectionString = null,
        Action<MessagingBuilder>? bus = null,
        int thingVersion = 1)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString ?? redis.ConnectionString,
            ["Messaging:ConsumerName"] = consumer ?? RedisFixture.UniqueName("consumer"),
            // 1 on one server; on the cluster suite every stream is partitioned.
            ["Messaging:Partitions"] = redis.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (Environment.GetEnvironmentVariable("SHOP_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug);
        }

        builder.AddRedisClient("redis", configureOptions: options => options.CommandMap = MessagingAcl.CommandMap);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        var messaging = builder.AddMessaging(service)
            // By name: things of one name stay in one partition, in order, as one order's events do in Shop.
            .AddEvent(stream, TestEventsJsonContext.Default.ThingHappened, partitionKey: thing => thing.Name, version: thingVersion)
            .AddEvent(stream, TestEventsJsonContext.Default.NobodyCares);
        if (consume)
        {
            messaging.Consume(stream);
        }

        bus?.Invoke(messaging);

        builder.Services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        builder.Services.AddSingleton(probe);
        configure?.Invoke(builder);
        return builder.Build();
    }
}
