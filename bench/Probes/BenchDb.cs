using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Storage;

namespace Shop.Bench.Probes;

/// <summary>The outbox scenario's database: one table of its own beside the outbox and inbox tables.</summary>
internal sealed class BenchDb(DbContextOptions<BenchDb> options) : DbContext(options)
{
    public DbSet<BenchItem> Items => Set<BenchItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchItem>().HasKey(item => item.Sequence);
        modelBuilder.Entity<BenchItem>().Property(item => item.Sequence).ValueGeneratedNever();
        modelBuilder.AddMessagingTables();
    }
}

/// <summary>A row written in the same transaction as each event.</summary>
internal sealed class BenchItem
{
    public int Sequence { get; init; }
}
