using Shop.Messaging.Events;

namespace Shop.Contracts.Orders.Versions;

/// <summary>
/// Version 1 of <see cref="OrderPlaced"/>, as entries written before version 2 carry it (they have no <c>version</c>
/// field): <c>items</c>, the order's lines as the customer sent them, one product possibly on several lines. Read, never
/// published: <see cref="ToVersion2"/> turns it into the current record before a handler sees it. Keep it while any
/// stream, dead-letter stream or outbox row can hold a version 1 entry.
/// </summary>
public sealed record OrderPlacedV1(Guid OrderId, string CustomerId, IReadOnlyList<OrderLine> Items) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Lines(Items, OrderLine.MaxQuantity)
        .Problems;

    /// <summary>The same order in version 2: one line per product, in the order each product first appears, units summed.</summary>
    public OrderPlaced ToVersion2() => new(OrderId, CustomerId, OrderLine.PerProduct(Items));
}
