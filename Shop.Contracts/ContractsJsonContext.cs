using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Contracts.Inventory;
using Shop.Contracts.Notifications;
using Shop.Contracts.Orders;

namespace Shop.Contracts;

/// <summary>Source-generated JSON for every contract: camelCase, as the entry's <c>data</c> field carries it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderConfirmed))]
[JsonSerializable(typeof(OrderRejected))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(StockReleaseRequested))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(StockReservationFailed))]
[JsonSerializable(typeof(StockReleased))]
[JsonSerializable(typeof(StockReplenished))]
[JsonSerializable(typeof(StockLow))]
[JsonSerializable(typeof(CustomerNotified))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
