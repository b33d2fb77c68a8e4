using Microsoft.EntityFrameworkCore;
using Shop.InventoryService.Domain;
using Shop.Messaging.EntityFrameworkCore.Storage;

namespace Shop.InventoryService.Data;

/// <summary>inventorydb: products, reservations, and the outbox and inbox.</summary>
public class InventoryDb(DbContextOptions<InventoryDb> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("products", table =>
            {
                // The last line of defence: the database itself refuses negative stock.
                table.HasCheckConstraint("CK_products_available", "\"Available\" >= 0");
                table.HasCheckConstraint("CK_products_reserved", "\"Reserved\" >= 0");
            });
            product.HasKey(p => p.Sku);
            product.Property(p => p.Sku).HasMaxLength(64);
            product.Property(p => p.Name).HasMaxLength(200);
        });
        modelBuilder.Entity<Reservation>(reservation =>
        {
            reservation.ToTable("reservations");
            reservation.HasKey(r => new { r.OrderId, r.Sku });
            reservation.Property(r => r.Sku).HasMaxLength(64);
        });
        modelBuilder.AddMessagingTables();
    }
}
