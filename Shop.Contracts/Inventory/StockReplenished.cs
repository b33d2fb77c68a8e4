using Shop.Messaging.Events;

namespace Shop.Contracts.Inventory;

/// <summary>A product was restocked.</summary>
public sealed record StockReplenished(string Sku, int Quantity, int Available) : IntegrationEvent;
