using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shop.Contracts;

namespace Shop.OrderService.Api;

/// <summary>
/// <c>POST /orders</c>'s body, with the rules a new order must meet. <c>AddValidation()</c> checks them before the
/// endpoint runs and answers a 400 ProblemDetails whose <c>errors</c> name each broken field. Nullable so that a
/// missing field is a validation error, not a binding crash.
/// </summary>
public sealed record PlaceOrderRequest(
    [property: Required(ErrorMessage = "A customer id is required.")]
    [property: MaxLength(Identifiers.MaxCustomerIdLength, ErrorMessage = Identifiers.CustomerIdTooLong)]
    string? CustomerId,
    [property: Required(ErrorMessage = "An order needs at least one item.")]
    [property: MinLength(1, ErrorMessage = "An order needs at least one item.")]
    [property: MaxLength(OrderLine.MaxLinesPerOrder, ErrorMessage = "An order has at most {1} items.")]
    IReadOnlyList<OrderLineRequest>? Items) : IValidatableObject
{
    /// <summary>A line that is JSON <c>null</c>: the attributes check each line's fields, and a missing line has none.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        (Items ?? []).Select((line, index) => (line, index))
            .Where(item => item.line is null)
            .Select(item => new ValidationResult("An order line is a SKU and a quantity, not null.", [$"{nameof(Items)}[{item.index}]"]));
}

/// <summary>One line of <see cref="PlaceOrderRequest"/>.</summary>
public sealed record OrderLineRequest(
    [property: Required(ErrorMessage = Identifiers.InvalidSku), Sku]
    string? Sku,
    [property: Range(1, OrderLine.MaxQuantity, ErrorMessage = "A quantity is between {1} and {2}.")]
    int Quantity);

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
