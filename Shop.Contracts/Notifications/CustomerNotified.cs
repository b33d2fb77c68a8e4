using Shop.Messaging.Events;

namespace Shop.Contracts.Notifications;

/// <summary>A notification was made: for a customer about an order's outcome, or for operations about low stock.</summary>
public sealed record CustomerNotified(Guid NotificationId, Guid? OrderId, string CustomerId, string Kind, Guid SourceEventId) : IntegrationEvent;
