namespace Shop.OrderService.Domain;

/// <summary>Where an order stands. <see cref="Rejected"/> and <see cref="Cancelled"/> are final.</summary>
public enum OrderStatus
{
    Pending,
    Confirmed,
    Rejected,
    Cancelled,
}
