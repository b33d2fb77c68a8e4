using System.Text.Json.Serialization;

namespace Shop.OrderService.Api;

/// <summary><c>POST /orders</c>'s body. Nullable so that a missing field is a validation error, not a binding crash.</summary>
public sealed record PlaceOrderRequest(string? CustomerId, IReadOnlyList<OrderLineRequest>? Items);

public sealed record OrderLineRequest(string? Sku, int Quantity);

/// <summary><c>POST /orders</c>'s answer.</summary>
public sealed record PlacedOrderResponse(Guid OrderId, string Status);

/// <summary>An order as <c>GET /orders/{orderId}</c> shows it.</summary>
public sealed record OrderResponse(
    Guid OrderId,
    string CustomerId,
    string Status,
    IReadOnlyList<OrderLineResponse> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? NotifiedAt);

public sealed record OrderLineResponse(string Sku, int Quantity);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(PlacedOrderResponse))]
[JsonSerializable(typeof(OrderResponse))]
[JsonSerializable(typeof(List<OrderResponse>))]
[JsonSerializable(typeof(List<Guid>))]
internal sealed partial class OrderApiJsonContext : JsonSerializerContext;
