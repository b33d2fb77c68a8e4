using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Contracts;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.Sqlite;
using Shop.Messaging.Security;

namespace Shop.ServiceDefaults;

/// <summary>The shape every Shop service shares: Redis, its own database, the bus with Shop's events, its JSON.</summary>
public static class ShopServiceExtensions
{
    /// <summary>
    /// Adds Aspire's Redis client (<c>redis</c>), <typeparamref name="TDbContext"/> on the database
    /// <paramref name="database"/> (SQLite or PostgreSQL, see <see cref="ServiceDatabaseExtensions.AddServiceDatabase{TDbContext}"/>)
    /// with its readiness check, the bus for <paramref name="serviceName"/> with every Shop event, its outbox and inbox
    /// in that database (SQLite-tuned on SQLite only), and the service's source-generated HTTP JSON. Returns the bus, on
    /// which the service declares what it handles (<see cref="MessagingBuilder.Subscribe{TEvent, THandler}"/>). Each
    /// service still calls its own <c>AddMediator()</c> and <c>AddOpenApi()</c>: both are generated at build time from
    /// the service's own code.
    /// </summary>
    public static MessagingBuilder AddShopService<TDbContext>(
        this IHostApplicationBuilder builder, string serviceName, string database, JsonSerializerContext httpJson)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        // No CONFIG on the wire: the service's Redis user may not read the server's settings (MessagingAcl.CommandMap).
        builder.AddRedisClient("redis", configureOptions: options => options.CommandMap = MessagingAcl.CommandMap);
        var provider = builder.AddServiceDatabase<TDbContext>(database);

        var messaging = builder.AddMessaging(serviceName).AddShopEvents();

        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, httpJson));
        var store = messaging.UseEntityFrameworkStore<TDbContext>(builder.Configuration);
        if (provider == DatabaseProvider.Sqlite)
        {
            // SQLite has one writer per file: queue this process's writers, WAL. PostgreSQL needs neither.
            store.UseSqliteTuning();
        }

        return messaging;
    }
}
