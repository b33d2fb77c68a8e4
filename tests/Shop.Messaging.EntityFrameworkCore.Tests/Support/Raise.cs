using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Messaging.EntityFrameworkCore.Outbox;

namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>The publishing side's unit of work: a change to its own table and the event it raises, saved together.</summary>
public static class Raise
{
    public static async Task CommittedAsync(IServiceProvider services, string source, CounterBumped @event)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CounterDb>();
        db.Counters.Add(new Counter { Name = source, Value = @event.By });
        scope.ServiceProvider.GetRequiredService<IOutbox>().Add(@event);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    public static Task CommittedAsync(IHost host, string source, CounterBumped @event) => CommittedAsync(host.Services, source, @event);

    public static async Task<int> CounterAsync(IHost host, string name)
    {
        using var scope = host.Services.CreateScope();
        var counter = await scope.ServiceProvider.GetRequiredService<CounterDb>().Counters.AsNoTracking()
            .SingleOrDefaultAsync(counter => counter.Name == name, TestContext.Current.CancellationToken);
        return counter?.Value ?? 0;
    }

    public static async Task<T> QueryAsync<T>(IHost host, Func<CounterDb, Task<T>> query)
    {
        using var scope = host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<CounterDb>());
    }
}
