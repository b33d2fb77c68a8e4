using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Storage;
using Shop.NotificationService.Domain;

namespace Shop.NotificationService.Data;

/// <summary>notificationdb: notifications, and the outbox and inbox.</summary>
public class NotificationDb(DbContextOptions<NotificationDb> options) : DbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasKey(n => n.Id);
            notification.Property(n => n.CustomerId).HasMaxLength(100);
            notification.Property(n => n.Kind).HasMaxLength(40);
            notification.Property(n => n.Message).HasMaxLength(500);
            notification.HasIndex(n => n.SourceEventId).IsUnique();
            notification.HasIndex(n => n.OrderId);
            notification.HasIndex(n => new { n.CustomerId, n.CreatedAt });
        });
        modelBuilder.AddMessagingTables();
    }
}
