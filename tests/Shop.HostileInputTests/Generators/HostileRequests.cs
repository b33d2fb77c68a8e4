using System.Text;
using CsCheck;

namespace Shop.HostileInputTests.Generators;

/// <summary>Which process a request goes to.</summary>
public enum Target
{
    Orders,
    Inventory,
    Notifications,
    Console,
}

/// <summary>
/// One HTTP request as a hostile client sends it: any path, query string, headers and body, to one of the services or
/// the console. <see cref="OnAcceptedOrder"/>: the path names an order the run placed earlier (<c>{order}</c>).
/// </summary>
public sealed record HostileRequest(
    Target Target, HttpMethod Method, string Path, byte[]? Body, string? ContentType, (string Name, string Value)[] Headers, string Kind)
{
    public const string AcceptedOrder = "{order}";

    public bool OnAcceptedOrder => Path.Contains(AcceptedOrder, StringComparison.Ordinal);

    /// <summary>A <c>Host</c> header other than the address: the console must refuse it, whatever the rest.</summary>
    public bool ForeignHost => Headers.Any(header => header.Name == "Host");

    public override string ToString() =>
        $"{Kind}: {Method} {Target} {Path} [{string.Join("; ", Headers.Select(header => $"{header.Name}: {Cut(header.Value)}"))}] " +
        $"{ContentType} {(Body is null ? "" : Cut(Encoding.UTF8.GetString(Body)))}";

    private static string Cut(string text) => text.Length <= 200 ? text : $"{text[..200]}… ({text.Length} characters)";
}

/// <summary>
/// Hostile HTTP requests: order bodies with every field wrong in every way (types, ranges, sizes, nesting, encodings,
/// truncations), idempotency keys and headers of any size, query strings and route values of anything at all — and
/// among them valid requests, which must go through.
/// </summary>
public static class HostileRequests
{
    private static readonly Gen<string> Sku = Gen.Frequency(
        (6, Gen.OneOf([.. Contract.Catalog.Keys]).Select(Json.String)),
        (3, Json.Scalar));

    private static readonly Gen<string> Quantity = Gen.Frequency(
        (6, Gen.Int[1, 3].Select(quantity => quantity.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (3, Gen.OneOf("0", "-1", "10000", "10001", "2147483647", "2147483648", "1.5", "\"1\"", "null", "true", "1e400", "[]")));

    private static readonly Gen<string> Line = Gen.Frequency(
        (8, Gen.Select(Sku, Quantity, (sku, quantity) => $"{{\"sku\":{sku},\"quantity\":{quantity}}}")),
        (1, Quantity.Select(quantity => $"{{\"quantity\":{quantity}}}")),
        (1, Json.Scalar));

    private static readonly Gen<string> Items = Gen.Frequency(
        (8, Line.Array[1, 4].Select(Json.Array)),
        (1, Gen.Const("[]")),
        (1, Line.Array[99, 102].Select(Json.Array)),
        (1, Json.Scalar));

    private static readonly Gen<string> Customer = Gen.Frequency(
        (6, Gen.String[Gen.Char.AlphaNumeric, 1, 12].Select(name => Json.String("fuzz-" + name))),
        (3, Json.Text.Select(Json.String)),
        (1, Json.Scalar));

    /// <summary>A valid order: a known customer name, one to three lines of catalog products, one to three units each.</summary>
    private static readonly Gen<byte[]> ValidOrder = Gen.Select(
        Gen.String[Gen.Char.AlphaNumeric, 1, 12],
        Gen.Select(Gen.OneOf([.. Contract.Catalog.Keys]), Gen.Int[1, 3], (sku, quantity) => $"{{\"sku\":{Json.String(sku)},\"quantity\":{quantity}}}").Array[1, 3],
        (customer, lines) => Encoding.UTF8.GetBytes(Json.Object([("customerId", Json.String("fuzz-" + customer)), ("items", Json.Array(lines))])));

    /// <summary>An order body: valid, or an object with the two members (each valid or not), or broken as bytes.</summary>
    private static readonly Gen<byte[]> OrderBody = Gen.Frequency(
        (4, ValidOrder),
        (10, Gen.Select(Customer, Items, Gen.Int[0, 9], (customer, items, variant) => Encoding.UTF8.GetBytes(variant switch
        {
            0 => Json.Object([("items", items)]),
            1 => Json.Object([("customerId", customer)]),
            2 => Json.Object([("customerId", customer), ("items", items), ("customerId", customer)]),
            3 => Json.Object([("CUSTOMERID", customer), ("Items", items)]),
            4 => Json.Object([("customerId", customer), ("items", items), ("extra", new string('[', 64) + new string(']', 64))]),
            _ => Json.Object([("customerId", customer), ("items", items)]),
        }))),
        (2, Gen.Select(Customer, Items, Gen.Int[0, 400], (customer, items, cut) =>
        {
            var bytes = Encoding.UTF8.GetBytes(Json.Object([("customerId", customer), ("items", items)]));
            return bytes[..Math.Min(cut, bytes.Length - 1)];
        })),
        (1, Gen.Byte.Array[0, 64]),
        (1, Gen.OneOf<byte[]>([], "null"u8.ToArray(), "[]"u8.ToArray(), "\"order\""u8.ToArray(), [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D])),
        (1, Gen.Int[64_000, 80_000].Select(size => Encoding.UTF8.GetBytes(Json.Object([("customerId", Json.String(new string('c', size))), ("items", "[]")])))));

    private static readonly Gen<string?> ContentType = Gen.Frequency(
        (12, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>(null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
            "multipart/form-data", "application/xml", "*/*", "application/problem+json")));

    /// <summary>A value for a URL: any text, percent-encoded, or one of the encodings other systems stumble on.</summary>
    private static readonly Gen<string> UrlValue = Gen.Frequency(
        (5, Json.Text.Select(Uri.EscapeDataString)),
        (1, Gen.OneOf("%ff%fe", "%00", "%C0%AF", "%E2%82", "a%2Fb", "..%2F..%2F", "%25", "%2e%2e", "x%0D%0AInjected:%201")));

    private static readonly Gen<(string Name, string Value)[]> Headers = Gen.Frequency(
        (8, Gen.Const(System.Array.Empty<(string, string)>())),
        (2, Gen.String[Gen.Char[' ', '~'], 0, 260].Select(key => new[] { ("Idempotency-Key", key) })),
        (1, Gen.Int[1_000, 20_000].Select(size => new[] { ("X-Fuzz", new string('h', size)) })),
        (1, Gen.String[Gen.Char[' ', '~'], 0, 40].Select(accept => new[] { ("Accept", accept), ("Accept-Language", accept) })));

    private static readonly Gen<HostileRequest> PlaceOrder = Gen.Select(OrderBody, ContentType, Headers, (body, type, headers) =>
        new HostileRequest(Target.Orders, HttpMethod.Post, "/orders", body, type, headers, "POST /orders"));

    private static readonly Gen<HostileRequest> ReadOrders = Gen.Frequency(
        (3, Gen.Select(UrlValue, UrlValue, (customer, status) =>
            new HostileRequest(Target.Orders, HttpMethod.Get, $"/orders?customerId={customer}&status={status}", null, null, [], "GET /orders?…"))),
        (2, UrlValue.Select(id => new HostileRequest(Target.Orders, HttpMethod.Get, $"/orders/{id}", null, null, [], "GET /orders/{id}"))),
        (1, Gen.Guid.Select(id => new HostileRequest(Target.Orders, HttpMethod.Post, $"/orders/{id}/cancel", null, null, [], "cancel an unknown order"))),
        (1, Gen.Const(new HostileRequest(Target.Orders, HttpMethod.Post, $"/orders/{HostileRequest.AcceptedOrder}/cancel", null, null, [], "cancel an order placed earlier"))),
        (1, Gen.Const(new HostileRequest(Target.Orders, HttpMethod.Get, $"/orders/{HostileRequest.AcceptedOrder}", null, null, [], "GET an order placed earlier"))));

    private static readonly Gen<HostileRequest> Inventory = Gen.Frequency(
        (2, UrlValue.Select(sku => new HostileRequest(Target.Inventory, HttpMethod.Get, $"/products/{sku}", null, null, [], "GET /products/{sku}"))),
        (3, Gen.Select(Gen.Frequency((3, Gen.OneOf([.. Contract.Catalog.Keys])), (1, UrlValue)), Gen.Frequency((2, Quantity), (1, Json.Scalar)), ContentType,
            (sku, quantity, type) => new HostileRequest(Target.Inventory, HttpMethod.Post, $"/products/{sku}/restock",
                Encoding.UTF8.GetBytes($"{{\"quantity\":{quantity}}}"), type, [], "POST /products/{sku}/restock"))));

    private static readonly Gen<HostileRequest> Notifications = Gen.Select(UrlValue, UrlValue, (order, customer) =>
        new HostileRequest(Target.Notifications, HttpMethod.Get, $"/notifications?orderId={order}&customerId={customer}", null, null, [], "GET /notifications?…"));

    private static readonly Gen<HostileRequest> Console = Gen.Frequency(
        (3, Gen.Select(Gen.Frequency((2, Gen.OneOf("orders", "inventory", "notifications")), (1, UrlValue)), UrlValue, Gen.OneOf("entries", "groups"),
            (stream, before, page) => new HostileRequest(Target.Console, HttpMethod.Get, $"/api/streams/{stream}/{page}?before={before}", null, null, [], "console page"))),
        (1, Gen.Select(Gen.OneOf("orders", "inventory"), UrlValue, (stream, before) =>
            new HostileRequest(Target.Console, HttpMethod.Get, $"/api/live/streams/{stream}/entries?before={before}", null, null, [], "console live page"))),
        (1, Gen.OneOf("/api/streams", "/api/dead-letters", "/api/session", "/", "/app.js", "/nope", "/api/streams/orders/entries?before=0-0")
            .Select(path => new HostileRequest(Target.Console, HttpMethod.Get, path, null, null, [], "console read"))),
        (1, Gen.Select(UrlValue, UrlValue, (key, id) => new HostileRequest(Target.Console, HttpMethod.Post, "/api/dead-letters/replay",
            Encoding.UTF8.GetBytes($"key={key}&id={id}"), "application/x-www-form-urlencoded", [], "replay without a token"))),
        (1, Gen.String[Gen.Char.AlphaNumeric, 1, 30].Select(host => new HostileRequest(Target.Console, HttpMethod.Get, "/api/streams", null, null,
            [("Host", host + ".example")], "console under a foreign host name"))));

    public static readonly Gen<HostileRequest> Any = Gen.Frequency(
        (6, PlaceOrder),
        (3, ReadOrders),
        (2, Inventory),
        (1, Notifications),
        (3, Console));
}
