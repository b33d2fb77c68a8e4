using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>Every line of the order is reserved.</summary>
public sealed record StockReserved(Guid OrderId, IReadOnlyList<OrderLine> Items) : IntegrationEvent;
