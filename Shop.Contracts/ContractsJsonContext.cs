using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Contracts.Inventory;
using Shop.Contracts.Notifications;
using Shop.Contracts.Orders;
using Shop.Contracts.Orders.Versions;

namespace Shop.Contracts;

/// <summary>
/// Source-generated JSON for every contract: camelCase, as the entry's <c>data</c> field carries it. Strict about shape:
/// a field the record's constructor takes must be there, a field that is not nullable must not be null, and a number is
/// a JSON number (not the string <c>"1"</c> the web defaults would take) — an entry that breaks any of these is malformed
/// and dead-lettered at once, before any rule of <see cref="ContractRules"/> runs.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPlacedV1))]
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
