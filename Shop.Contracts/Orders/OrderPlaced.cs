using Shop.Messaging.Events;

namespace Shop.Contracts.Orders;

/// <summary>
/// A customer placed an order; it waits for its stock to be reserved. Version 2: <see cref="Lines"/> holds one line
/// per product, its units summed, so no consumer merges lines again. Version 1 (<see cref="Versions.OrderPlacedV1"/>)
/// listed the order's lines as the customer sent them, a product possibly on several; it is still read, and upcast.
/// </summary>
public sealed record OrderPlaced(Guid OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines) : IntegrationEvent
{
    /// <summary>The version of the contract this record is; every OrderPlaced published is this version.</summary>
    public const int Version = 2;

    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Lines(Lines, OrderLine.MaxQuantityPerProduct, "lines")
        .OneLinePerProduct(Lines, "lines")
        .Problems;
}
