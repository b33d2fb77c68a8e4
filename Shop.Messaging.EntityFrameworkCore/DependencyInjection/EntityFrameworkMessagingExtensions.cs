using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Messaging.Consuming;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.EntityFrameworkCore.Inbox;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.Messaging.EntityFrameworkCore.Transactions;
using Shop.Messaging.Events;
using Shop.Messaging.Inbox;

namespace Shop.Messaging.EntityFrameworkCore.DependencyInjection;

/// <summary>Adds the outbox and the inbox, stored in a service's own DbContext.</summary>
public static class EntityFrameworkMessagingExtensions
{
    /// <summary>
    /// Stores outbox and inbox in <typeparamref name="TDbContext"/> (whose model must call
    /// <see cref="MessagingModelBuilderExtensions.AddMessagingTables"/>): registers <see cref="IOutbox"/>, the relay,
    /// the inbox for every consumed event, batched handling (one transaction per batch of deliveries), the pruner, and the
    /// interceptor that wakes the relay after a commit. Provider-neutral (EF Core relational); the outbox lease needs
    /// <c>UPDATE … RETURNING</c> and a row-locking clause, written for SQLite 3.35+ and PostgreSQL (see <c>OutboxLeaseStatement</c>). On SQLite, add <c>UseSqliteTuning()</c>
    /// (Shop.Messaging.EntityFrameworkCore.Sqlite).
    /// </summary>
    public static EntityFrameworkMessagingBuilder<TDbContext> UseEntityFrameworkStore<TDbContext>(this MessagingBuilder messaging, IConfiguration configuration)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(messaging);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = messaging.Services;
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PruningOptions>().Bind(configuration.GetSection(PruningOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxCommitInterceptor>();
        services.ConfigureDbContext<TDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor>()));

        services.TryAddScoped<IOutbox, EntityFrameworkOutbox<TDbContext>>();
        services.TryAddScoped<EntityFrameworkInbox<TDbContext>>();
        services.TryAddScoped<IInbox>(provider => provider.GetRequiredService<EntityFrameworkInbox<TDbContext>>());
        services.TryAddScoped<IBatchTransaction, EntityFrameworkBatchTransaction<TDbContext>>();
        services.AddHostedService<OutboxRelay<TDbContext>>();
        services.AddHostedService<MessagingStorePruner<TDbContext>>();
        return new EntityFrameworkMessagingBuilder<TDbContext>(messaging);
    }
}

/// <summary>Fine-tunes the store of <typeparamref name="TDbContext"/>: which events skip the inbox, provider tuning.</summary>
public sealed class EntityFrameworkMessagingBuilder<TDbContext>(MessagingBuilder messaging)
    where TDbContext : DbContext
{
    public MessagingBuilder Messaging { get; } = messaging;

    /// <summary>
    /// <typeparamref name="TEvent"/>'s handlers touch no database (e.g. they push to a live connection), so its
    /// deliveries skip the inbox and run every time they arrive.
    /// </summary>
    public EntityFrameworkMessagingBuilder<TDbContext> WithoutInbox<TEvent>()
        where TEvent : IntegrationEvent
    {
        Messaging.Services.Configure<InboxOptions>(options => options.ExcludedEventTypes.Add(typeof(TEvent)));
        return this;
    }
}
