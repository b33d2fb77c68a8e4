using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.OrderService.Domain;

namespace Shop.OrderService.Data;

/// <summary>orderdb: orders, their items, and the outbox and inbox.</summary>
public class OrderDb(DbContextOptions<OrderDb> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.CustomerId).HasMaxLength(100);
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            order.Property(o => o.Reason).HasMaxLength(500);
            order.Property(o => o.IdempotencyKey).HasMaxLength(200);
            order.Property(o => o.IdempotencyFingerprint).HasMaxLength(64);
            order.Property(o => o.Version).IsConcurrencyToken();
            // A key is the customer's own: the same value from another customer is another key.
            order.HasIndex(o => new { o.CustomerId, o.IdempotencyKey }).IsUnique();
            order.HasIndex(o => new { o.CustomerId, o.CreatedAt });
            // The saga's deadline scan: orders still waiting, oldest change first.
            order.HasIndex(o => new { o.Status, o.UpdatedAt });
            order.Property(o => o.TraceParent).HasMaxLength(64);
            order.HasMany(o => o.Items).WithOne().HasForeignKey("OrderId").OnDelete(DeleteBehavior.Cascade);
            order.Navigation(o => o.Items).UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
        });
        modelBuilder.Entity<OrderItem>(item =>
        {
            item.ToTable("order_items");
            item.HasKey(i => i.Id);
            item.Property(i => i.Sku).HasMaxLength(64);
        });
        modelBuilder.AddMessagingTables();
    }
}
