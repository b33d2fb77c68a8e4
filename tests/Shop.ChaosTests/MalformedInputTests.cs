using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Shop.ChaosTests.Support;
using static Shop.ChaosTests.Support.ChaosReport;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.ChaosTests;

/// <summary>
/// Hundreds of malformed requests and stream entries, generated from valid ones, thrown at the services running as
/// processes (real Kestrel limits, Production settings): each gets a clear error or a dead letter, and the valid
/// orders sent among them all go through.
/// </summary>
public sealed class MalformedInputTests
{
    private const string Valid = """{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":1}]}""";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_malformed_order_gets_a_ProblemDetails_error_and_every_valid_one_goes_through()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);
        using var orders = shop.Client(shop.Services.Orders);
        var bodies = MalformedBodies().ToList();

        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < bodies.Count; i++)
        {
            var (contentType, body) = bodies[i];
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var response = await orders.PostAsync("/orders", content, TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is 400 or 413 or 415, $"body {i} ({Describe(body)}) answered {status}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("   at ", problem, StringComparison.Ordinal); // no stack trace
            Assert.DoesNotContain("Exception", problem, StringComparison.Ordinal); // no internal type names
            if (i % 50 == 0)
            {
                Assert.NotNull(await shop.TryPlaceOrderAsync("SKU-002", 1)); // valid orders in between
            }
        }

        Injected(
            $"{bodies.Count} malformed POST /orders bodies ({string.Join(", ", statuses.Select(pair => $"{pair.Value}× {pair.Key}"))}) among {shop.AcceptedOrders.Count} valid orders");
        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task Every_malformed_entry_is_dead_lettered_with_its_reason_and_every_valid_order_goes_through()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);
        var entries = MalformedEntries().ToList();
        var ids = new List<string>();

        for (var i = 0; i < entries.Count; i++)
        {
            ids.Add((string)(await shop.Database.StreamAddAsync("orders", entries[i]))!);
            if (i % 20 == 0)
            {
                Assert.NotNull(await shop.TryPlaceOrderAsync("SKU-003", 1));
            }
        }

        Injected($"{entries.Count} malformed OrderPlaced entries written into 'orders' among {shop.AcceptedOrders.Count} valid orders");
        // inventory-service handles OrderPlaced, so it must dead-letter every one of them, each with a reason.
        await Wait.UntilAsync(async () => (await DeadLettersOfAsync(shop, "inventory-service")).Length == entries.Count, Timeout,
            $"{entries.Count} dead letters from inventory-service");
        var deadLetters = await DeadLettersOfAsync(shop, "inventory-service");
        Assert.Equal(ids.Order(), deadLetters.Select(entry => (string)entry["originalId"]!).Order());
        Assert.All(deadLetters, entry => Assert.False(entry["error"].IsNullOrEmpty));
        Checked($"all {entries.Count} dead-lettered by inventory-service, each with an error");
        await Invariants.HoldAsync(shop, stock, expectedDeadLetters: ids);
    }

    private static async Task<StreamEntry[]> DeadLettersOfAsync(ShopUnderChaos shop, string group) =>
        [.. (await shop.Database.StreamRangeAsync("orders:dead-letter")).Where(entry => entry["group"] == group)];

    /// <summary>Malformed bodies derived from a valid one: broken syntax, wrong types, values out of range, oversize.</summary>
    private static IEnumerable<(string ContentType, byte[] Body)> MalformedBodies()
    {
        const string json = "application/json";
        byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        // Every truncation of the valid body.
        for (var length = 0; length < Valid.Length - 1; length += 2)
        {
            yield return (json, Utf8(Valid[..length]));
        }

        string[] wrongValues = ["null", "true", "12", "-1", "1.5", "\"\"", "\"  \"", "[]", "{}", "\"x\"", "99999999999", "[1,2]"];
        foreach (var value in wrongValues)
        {
            // A string is a fine customer id or SKU, and 12 a fine quantity: only the wrong ones are sent.
            if (value is not "\"x\"")
            {
                yield return (json, Utf8($$"""{"customerId":{{value}},"items":[{"sku":"SKU-001","quantity":1}]}"""));
                yield return (json, Utf8($$"""{"customerId":"c-1","items":[{"sku":{{value}},"quantity":1}]}"""));
            }

            if (value is not "12")
            {
                yield return (json, Utf8($$"""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":{{value}}}]}"""));
            }

            yield return (json, Utf8($$"""{"customerId":"c-1","items":{{value}}}"""));
            yield return (json, Utf8($$"""{"customerId":"c-1","items":[{{value}}]}"""));
        }

        yield return (json, Utf8($$"""{"customerId":"{{new string('c', 101)}}","items":[{"sku":"SKU-001","quantity":1}]}"""));
        yield return (json, Utf8($$"""{"customerId":"c-1","items":[{"sku":"{{new string('S', 65)}}","quantity":1}]}"""));
        yield return (json, Utf8($$"""{"customerId":"c-1","items":[{"sku":"SKU 001","quantity":1}]}"""));
        yield return (json, Utf8($$"""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":10001}]}"""));
        yield return (json, Utf8($$"""{"customerId":"c-1","items":[{{string.Join(",", Enumerable.Repeat("""{"sku":"SKU-001","quantity":1}""", 101))}}]}"""));
        yield return (json, Utf8($$"""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":1}],"x":{{new string('[', 200)}}{{new string(']', 200)}}}"""));
        yield return (json, Utf8($$"""{"customerId":"{{new string('x', 80_000)}}","items":[]}""")); // over the 64 KB body limit: 413
        yield return (json, [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]); // invalid UTF-8
        yield return (json, []);
        yield return (json, Utf8("null"));
        yield return (json, Utf8("[]"));
        yield return (json, Utf8("\"order\""));
        yield return ("text/plain", Utf8(Valid)); // not JSON at all: 415

        // Seeded random byte flips of the valid body: whatever they produce must never be a 5xx.
        var random = new Random(20261127);
        for (var i = 0; i < 150; i++)
        {
            var bytes = Utf8(Valid);
            for (var flips = 0; flips < 1 + (i % 4); flips++)
            {
                bytes[random.Next(bytes.Length)] = (byte)"{}[]\":,0-9a\\ \u0001"[random.Next(14)];
            }

            if (!IsValidOrder(bytes))
            {
                yield return (json, bytes);
            }
        }
    }

    /// <summary>Malformed OrderPlaced entries: broken envelopes, broken data, wrong types, oversize, too deep.</summary>
    private static IEnumerable<NameValueEntry[]> MalformedEntries()
    {
        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        NameValueEntry[] Entry(string? id = "new", string? type = "OrderPlaced", string? data = """{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"c","items":[{"sku":"SKU-001","quantity":1}]}""", string? occurredAt = "now") =>
        [
            .. id is null ? [] : new NameValueEntry[] { new("id", id == "new" ? Guid.NewGuid().ToString() : id) },
            .. type is null ? [] : new NameValueEntry[] { new("type", type) },
            .. data is null ? [] : new NameValueEntry[] { new("data", data) },
            .. occurredAt is null ? [] : new NameValueEntry[] { new("occurredAt", occurredAt == "now" ? at : occurredAt) },
            new("source", "malformed-input-test"),
        ];

        yield return Entry(id: null);
        yield return Entry(id: "");
        yield return Entry(id: "not-a-guid");
        yield return Entry(id: new string('1', 5000));
        yield return Entry(type: null);
        yield return Entry(data: null);
        yield return Entry(occurredAt: null);
        yield return Entry(occurredAt: "yesterday");
        yield return Entry(data: "");
        yield return Entry(data: "null");
        yield return Entry(data: "[]");
        yield return Entry(data: "{\"orderId\":");
        yield return Entry(data: """{"orderId":"not a guid","customerId":"c","items":[]}""");
        yield return Entry(data: """{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"c","items":"many"}""");
        yield return Entry(data: """{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"c","items":[{"sku":"SKU-001","quantity":"one"}]}""");
        yield return Entry(data: $$"""{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"c","items":[],"x":{{new string('[', 100)}}{{new string(']', 100)}}}""");
        yield return Entry(data: $$"""{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"{{new string('c', 1_100_000)}}","items":[]}"""); // over MaxEntryBytes
        yield return Entry(data: """{"orderId":"0193a0c8-0000-7000-8000-000000000001"} {"second":"value"}""");
        var valid = """{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"c","items":[{"sku":"SKU-001","quantity":1}]}""";
        for (var length = 1; length < valid.Length - 1; length += 3)
        {
            yield return Entry(data: valid[..length]);
        }
    }

    private static bool IsValidOrder(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
                   && items.GetArrayLength() > 0 && document.RootElement.TryGetProperty("customerId", out var customer)
                   && customer.ValueKind == JsonValueKind.String && customer.GetString()!.Trim().Length > 0
                   && items.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Object
                       && item.TryGetProperty("sku", out var sku) && sku.ValueKind == JsonValueKind.String
                       && item.TryGetProperty("quantity", out var quantity) && quantity.ValueKind == JsonValueKind.Number);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(byte[] body) =>
        body.Length <= 120 ? Encoding.UTF8.GetString(body) : $"{body.Length} bytes starting {Encoding.UTF8.GetString(body[..60])}";
}
