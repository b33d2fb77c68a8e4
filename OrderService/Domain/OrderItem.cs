namespace Shop.OrderService.Domain;

/// <summary>One line of an order.</summary>
public sealed class OrderItem
{
    public int Id { get; private set; }

    public required string Sku { get; init; }

    public int Quantity { get; init; }
}
