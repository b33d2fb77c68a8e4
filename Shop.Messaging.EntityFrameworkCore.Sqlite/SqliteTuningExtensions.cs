using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Messaging.EntityFrameworkCore.DependencyInjection;

namespace Shop.Messaging.EntityFrameworkCore.Sqlite;

/// <summary>The opt-in for a store on SQLite.</summary>
public static class SqliteTuningExtensions
{
    /// <summary>
    /// Tunes <typeparamref name="TDbContext"/>'s SQLite database for a service that writes from several places at once
    /// (handlers, the outbox relay, HTTP requests): WAL mode, <c>synchronous = NORMAL</c> and a busy timeout on every
    /// physical connection (<see cref="SqliteWalInterceptor"/>), and one writer at a time per database within the
    /// process, queued in arrival order instead of sleeping in SQLite's busy handler (<see cref="SqliteWriteGate"/>).
    /// </summary>
    public static EntityFrameworkMessagingBuilder<TDbContext> UseSqliteTuning<TDbContext>(this EntityFrameworkMessagingBuilder<TDbContext> store)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(store);
        var services = store.Messaging.Services;
        services.TryAddSingleton<SqliteWalInterceptor>();
        services.TryAddSingleton<SqliteWriteGate>();
        services.ConfigureDbContext<TDbContext>((provider, options) => options.AddInterceptors(
            provider.GetRequiredService<SqliteWriteGate>(),
            provider.GetRequiredService<SqliteWalInterceptor>()));
        return store;
    }
}
