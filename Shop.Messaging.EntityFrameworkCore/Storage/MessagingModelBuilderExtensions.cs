using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Inbox;
using Shop.Messaging.EntityFrameworkCore.Outbox;

namespace Shop.Messaging.EntityFrameworkCore.Storage;

/// <summary>Adds the outbox and inbox tables to a service's model; call it from <c>OnModelCreating</c>.</summary>
public static class MessagingModelBuilderExtensions
{
    public static ModelBuilder AddMessagingTables(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(message => message.Id);
            outbox.Property(message => message.Id).ValueGeneratedOnAdd();
            outbox.Property(message => message.EventId).HasMaxLength(64);
            outbox.Property(message => message.Stream).HasMaxLength(200);
            outbox.Property(message => message.Type).HasMaxLength(200);
            // Rows written before versions existed are version 1.
            outbox.Property(message => message.Version).HasDefaultValue(1);
            outbox.Property(message => message.Source).HasMaxLength(200);
            outbox.Property(message => message.LeaseToken).HasMaxLength(64);
            outbox.Property(message => message.CausationId).HasMaxLength(64);
            // The relay's scan: unpublished rows in commit order; the pruner's: published rows by age.
            outbox.HasIndex(message => new { message.PublishedAt, message.Id });
            // The inbox's replay: what one event's handling raised.
            outbox.HasIndex(message => message.CausationId);
        });
        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(message => new { message.ConsumerGroup, message.EventId });
            inbox.Property(message => message.ConsumerGroup).HasMaxLength(200);
            inbox.Property(message => message.EventType).HasMaxLength(200);
            inbox.Property(message => message.Stream).HasMaxLength(200);
            inbox.Property(message => message.EntryId).HasMaxLength(64);
            inbox.HasIndex(message => message.ProcessedAt);
        });
        return modelBuilder;
    }
}
