using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Storage;

namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>A service's database in miniature: one table of its own, plus the outbox and inbox.</summary>
public sealed class CounterDb(DbContextOptions<CounterDb> options) : DbContext(options)
{
    public DbSet<Counter> Counters => Set<Counter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Counter>().HasKey(counter => counter.Name);
        modelBuilder.AddMessagingTables();
    }
}

public sealed class Counter
{
    public required string Name { get; init; }

    public int Value { get; set; }
}
