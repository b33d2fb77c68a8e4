namespace Shop.HostileInputTests.Generators;

/// <summary>
/// The wire contract as the suite states it itself (black-box, from docs/contract.md): which events each stream carries,
/// their fields and rules, and which consumer group handles which event. The generators build hostile entries from it,
/// and it says which groups must refuse each one.
/// </summary>
public static class Contract
{
    public static readonly IReadOnlyDictionary<string, string[]> GroupsOf = new Dictionary<string, string[]>
    {
        ["orders"] = ["inventory-service", "notification-service"],
        ["inventory"] = ["order-service", "notification-service"],
        ["notifications"] = ["order-service"],
    };

    /// <summary>The groups that run a handler for <paramref name="type"/> on <paramref name="stream"/>; the others skip it.</summary>
    public static string[] HandlersOf(string stream, string type) => (stream, type) switch
    {
        ("orders", "OrderPlaced" or "StockReleaseRequested") => ["inventory-service"],
        ("orders", "OrderCancelled") => ["inventory-service", "notification-service"],
        ("orders", "OrderConfirmed" or "OrderRejected") => ["notification-service"],
        ("inventory", "StockReserved" or "StockReservationFailed") => ["order-service"],
        ("inventory", "StockLow") => ["notification-service"],
        ("notifications", "CustomerNotified") => ["order-service"],
        _ => [],
    };

    public static readonly IReadOnlyDictionary<string, EventShape[]> EventsOf = new Dictionary<string, EventShape[]>
    {
        ["orders"] =
        [
            new("OrderPlaced", [Field.Id("orderId"), Field.Customer("customerId"), Field.Lines("items", 10_000)]),
            new("OrderConfirmed", [Field.Id("orderId"), Field.Customer("customerId")]),
            new("OrderRejected", [Field.Id("orderId"), Field.Customer("customerId"), Field.Reason("reason")]),
            new("OrderCancelled", [Field.Id("orderId"), Field.Customer("customerId")]),
            new("StockReleaseRequested", [Field.Id("orderId"), Field.Reason("reason")]),
        ],
        ["inventory"] =
        [
            new("StockReserved", [Field.Id("orderId"), Field.Lines("items", 1_000_000)]),
            new("StockReservationFailed", [Field.Id("orderId"), Field.Reason("reason")]),
            new("StockReleased", [Field.Id("orderId"), Field.Lines("items", 1_000_000)]),
            new("StockReplenished", [Field.Sku("sku"), Field.Count("quantity", 1, 1_000_000), Field.Count("available", 0, int.MaxValue)]),
            new("StockLow", [Field.Sku("sku"), Field.Count("available", 0, int.MaxValue), Field.Count("threshold", 0, int.MaxValue)]),
        ],
        ["notifications"] =
        [
            new("CustomerNotified", [Field.Id("notificationId"), Field.OptionalId("orderId"), Field.Customer("customerId"),
                Field.Text("kind", 40), Field.Id("sourceEventId")]),
        ],
    };

    /// <summary>The SKUs InventoryService seeds, and their stock.</summary>
    public static readonly IReadOnlyDictionary<string, int> Catalog = new Dictionary<string, int>
    {
        ["SKU-001"] = 100, ["SKU-002"] = 50, ["SKU-003"] = 25, ["SKU-004"] = 10, ["SKU-005"] = 200, ["SKU-006"] = 3,
    };
}

/// <summary>An event type and its <c>data</c> fields.</summary>
public sealed record EventShape(string Type, Field[] Fields);

/// <summary>What a field holds, and so which values break its rule.</summary>
public enum FieldKind
{
    Id,
    OptionalId,
    Text,
    Sku,
    Count,
    Lines,
}

/// <summary>A field of an event's <c>data</c>: its name, its kind and its bounds (the most characters, or the range).</summary>
public sealed record Field(string Name, FieldKind Kind, int Min, int Max)
{
    public static Field Id(string name) => new(name, FieldKind.Id, 0, 0);

    public static Field OptionalId(string name) => new(name, FieldKind.OptionalId, 0, 0);

    public static Field Customer(string name) => new(name, FieldKind.Text, 1, 100);

    public static Field Reason(string name) => new(name, FieldKind.Text, 1, 400);

    public static Field Text(string name, int maxLength) => new(name, FieldKind.Text, 1, maxLength);

    public static Field Sku(string name) => new(name, FieldKind.Sku, 1, 64);

    public static Field Count(string name, int min, int max) => new(name, FieldKind.Count, min, max);

    /// <summary>1 to 100 lines, each a SKU and a quantity of 1 to <paramref name="maxQuantity"/>.</summary>
    public static Field Lines(string name, int maxQuantity) => new(name, FieldKind.Lines, 1, maxQuantity);
}
