namespace Shop.InventoryService.Domain;

/// <summary>What one order holds of one product, until the order is cancelled and it is released.</summary>
public sealed class Reservation
{
    public Guid OrderId { get; init; }

    public required string Sku { get; init; }

    public int Quantity { get; init; }

    public DateTime ReservedAt { get; init; }

    public DateTime? ReleasedAt { get; set; }
}
