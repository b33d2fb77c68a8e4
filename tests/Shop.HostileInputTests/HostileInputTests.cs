using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsCheck;
using Shop.HostileInputTests.Generators;
using Shop.HostileInputTests.Support;
using StackExchange.Redis;

namespace Shop.HostileInputTests;

/// <summary>
/// Bad input at volume: batches of generated hostile HTTP requests and raw stream entries (<see cref="HostileRequests"/>,
/// <see cref="HostileEntries"/>, CsCheck generators driven by one seed) thrown at the running services and console, and
/// after each batch every invariant checked: no 5xx and a ProblemDetails body for every refusal, no process crashed,
/// every consumer group drained (nothing pending, nothing unread), stock conserved (every unit is on the shelf or held by
/// a confirmed order), every entry that must be refused dead-lettered by its first delivery with a reason, and nothing
/// else dead-lettered. <c>SHOP_FUZZ_SEED</c> and <c>SHOP_FUZZ_BATCHES</c> run another or a longer attack; CI runs the
/// fixed seed.
/// </summary>
public sealed class HostileInputTests
{
    private const int RequestsPerBatch = 600;
    private const int EntriesPerBatch = 300;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("SHOP_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20261205;

    private static int Batches => int.TryParse(Environment.GetEnvironmentVariable("SHOP_FUZZ_BATCHES"), CultureInfo.InvariantCulture, out var batches) ? batches : 6;

    [Fact]
    public async Task Thousands_of_hostile_inputs_are_refused_with_a_reason_and_every_invariant_holds_after_each_batch()
    {
        await using var shop = await ShopUnderAttack.StartAsync();
        var ledger = new Ledger(await shop.StockAsync());
        var random = new PCG(1, Seed);
        var statuses = new SortedDictionary<int, int>();
        Report($"seed {Seed}, {Batches} batches of {RequestsPerBatch} requests and {EntriesPerBatch} entries");

        for (var batch = 1; batch <= Batches; batch++)
        {
            for (var i = 0; i < RequestsPerBatch; i++)
            {
                var request = HostileRequests.Any.Generate(random, null, out _);
                var status = await SendAsync(shop, ledger, request, random);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }

            for (var i = 0; i < EntriesPerBatch; i++)
            {
                var entry = HostileEntries.Any.Generate(random, null, out _);
                var id = (string)(await shop.Database.StreamAddAsync(entry.Stream, entry.Fields))!;
                ledger.Entries[(entry.Stream, id)] = (entry.RefusedBy, entry.ToString());
            }

            await InvariantsHoldAsync(shop, ledger, batch);
            Report($"batch {batch}: every invariant holds ({ledger.Orders.Count} orders accepted so far, {ledger.Entries.Count} entries written)");
        }

        var refused = ledger.Entries.Values.Sum(entry => entry.RefusedBy.Length);
        Report($"tried {Batches * (RequestsPerBatch + EntriesPerBatch)} hostile inputs: {Batches * RequestsPerBatch} HTTP requests " +
               $"({string.Join(", ", statuses.Select(status => $"{status.Value}× {status.Key}"))}) and {ledger.Entries.Count} stream entries " +
               $"({refused} refusals by a consumer group, each dead-lettered at once with a reason); {ledger.Orders.Count} valid orders went through");
    }

    /// <summary>Sends one request; a server error, or a refusal without ProblemDetails, fails the test with the request.</summary>
    private static async Task<int> SendAsync(ShopUnderAttack shop, Ledger ledger, HostileRequest request, PCG random)
    {
        var path = request.OnAcceptedOrder
            ? request.Path.Replace(HostileRequest.AcceptedOrder, ledger.Orders.Count == 0 ? Guid.NewGuid().ToString() : ledger.Orders[(int)random.Next((uint)ledger.Orders.Count)].ToString(), StringComparison.Ordinal)
            : request.Path;
        using var message = new HttpRequestMessage(request.Method, path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = null;
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name == "Host")
            {
                message.Headers.Host = value;
            }
            else
            {
                Assert.True(message.Headers.TryAddWithoutValidation(name, value), $"the header {name} of {request}");
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await shop.Client(request.Target).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new Xunit.Sdk.XunitException($"no answer ({exception.Message} {exception.InnerException?.Message}) to {request}");
        }

        using var answered = response;
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{status} for {request}");
        if (status >= 400)
        {
            AssertRefusedClearly(request, path, response);
        }
        else if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            await NoteWhatWasAcceptedAsync(ledger, request, path, response);
        }

        return status;
    }

    /// <summary>
    /// A refusal says why in RFC 9457 ProblemDetails. Three come before the app and carry the server's own short answer:
    /// Kestrel's 431 for headers over <c>Http:MaxRequestHeadersBytes</c> and its 400 for a path that decodes to a NUL, and
    /// host filtering's 400 for a foreign host name.
    /// </summary>
    private static void AssertRefusedClearly(HostileRequest request, string path, HttpResponseMessage response)
    {
        var status = response.StatusCode;
        var beforeTheApp = status == HttpStatusCode.RequestHeaderFieldsTooLarge
                           || (status == HttpStatusCode.BadRequest && (request.ForeignHost || path.Split('?')[0].Contains("%00", StringComparison.Ordinal)));
        if (beforeTheApp)
        {
            return;
        }

        Assert.False(request.ForeignHost, $"{(int)status} for {request}: a foreign host name must be refused with 400");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{(int)status} without ProblemDetails ({response.Content.Headers.ContentType}) for {request}");
    }

    private static async Task NoteWhatWasAcceptedAsync(Ledger ledger, HostileRequest request, string path, HttpResponseMessage response)
    {
        Assert.False(request.ForeignHost, $"{(int)response.StatusCode} for {request}: a foreign host name was served");
        if (request is { Target: Target.Orders, Method.Method: "POST" } && path == "/orders")
        {
            var placed = await response.Content.ReadFromJsonAsync<JsonElement>(Json, TestContext.Current.CancellationToken);
            ledger.OrderAccepted(placed.GetProperty("orderId").GetGuid());
        }
        else if (request is { Target: Target.Inventory, Method.Method: "POST" })
        {
            // Accepted, so the body was a valid restock: read it as the service did (web defaults: "1" is a number too).
            var restock = JsonSerializer.Deserialize<Restock>(request.Body!, Json)!;
            ledger.Restocked(Uri.UnescapeDataString(path.Split('/')[2]), restock.Quantity);
        }
    }

    private static async Task InvariantsHoldAsync(ShopUnderAttack shop, Ledger ledger, int batch)
    {
        var unsettled = "";
        try
        {
            await Wait.UntilAsync(async () => (unsettled = await UnsettledAsync(shop, ledger)) is null, SettleTimeout,
                $"batch {batch} to settle: every group drained, every order decided, stock conserved");
        }
        catch (TimeoutException timeout)
        {
            throw new Xunit.Sdk.XunitException($"{timeout.Message} Still: {unsettled}");
        }

        await DeadLettersMatchAsync(shop, ledger);
    }

    /// <summary>Null when the system has settled with every invariant standing; else what does not hold yet.</summary>
    private static async Task<string?> UnsettledAsync(ShopUnderAttack shop, Ledger ledger)
    {
        if (shop.Exited().ToList() is { Count: > 0 } exited)
        {
            throw new Xunit.Sdk.XunitException($"crashed: {string.Join(", ", exited)}");
        }

        foreach (var stream in Contract.GroupsOf.Keys)
        {
            foreach (var group in await shop.Database.StreamGroupInfoAsync(stream))
            {
                if (group.PendingMessageCount > 0 || group.Lag is not 0)
                {
                    return $"group {group.Name} on {stream}: {group.PendingMessageCount} pending, lag {group.Lag?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}";
                }
            }
        }

        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var orderId in ledger.Orders)
        {
            var (status, lines) = await shop.OrderAsync(orderId);
            if (status == "Pending")
            {
                return $"order {orderId} still pending";
            }

            if (status == "Confirmed")
            {
                foreach (var (sku, quantity) in lines)
                {
                    held[sku] = held.GetValueOrDefault(sku) + quantity;
                }
            }
        }

        foreach (var (sku, (available, reserved)) in await shop.StockAsync())
        {
            if (available < 0 || reserved < 0 || available + reserved != ledger.UnitsOf(sku) || reserved != held.GetValueOrDefault(sku))
            {
                return $"{sku}: {available} available + {reserved} reserved, of {ledger.UnitsOf(sku)} units; confirmed orders hold {held.GetValueOrDefault(sku)}";
            }
        }

        return null;
    }

    /// <summary>
    /// Every group that must refuse an entry dead-lettered it by its first delivery, with a reason; no group
    /// dead-lettered anything else — neither an entry it had to take, nor anything the services wrote themselves.
    /// </summary>
    private static async Task DeadLettersMatchAsync(ShopUnderAttack shop, Ledger ledger)
    {
        var deadLetters = new Dictionary<(string Stream, string OriginalId, string Group), StreamEntry>();
        foreach (var stream in Contract.GroupsOf.Keys)
        {
            foreach (var deadLetter in await shop.Database.StreamRangeAsync($"{stream}:dead-letter"))
            {
                var originalId = (string)deadLetter["originalId"]!;
                var group = (string)deadLetter["group"]!;
                Assert.True(ledger.Entries.TryGetValue((stream, originalId), out var written),
                    $"{group} dead-lettered {stream} entry {originalId}, which the services wrote themselves: {deadLetter["error"]}");
                Assert.True(written.RefusedBy.Contains(group),
                    $"{group} dead-lettered an entry it must take ({deadLetter["error"]}): {written.Description}");
                Assert.True(deadLetters.TryAdd((stream, originalId, group), deadLetter), $"{group} dead-lettered {stream} entry {originalId} twice");
                Assert.False(deadLetter["error"].IsNullOrEmpty, $"no reason in the dead letter of {written.Description}");
                Assert.True(deadLetter["deliveries"] == "1", $"{group} dead-lettered {written.Description} after {deadLetter["deliveries"]} deliveries, not the first");
            }
        }

        foreach (var ((stream, id), (refusedBy, description)) in ledger.Entries)
        {
            foreach (var group in refusedBy)
            {
                Assert.True(deadLetters.ContainsKey((stream, id, group)), $"{group} did not dead-letter {description}");
            }
        }
    }

    private sealed record Restock(int Quantity);

    private static void Report(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"hostile inputs: {what}");
}
