using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Messaging.Events;
using Shop.StreamsConsole.Tests.Support;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Tests;

/// <summary>
/// The console's HTTP answers to bad input and to replays it must refuse: RFC 9457 ProblemDetails, and nothing in
/// Redis changed. Redis and the console only: no service is needed to write a dead letter by hand.
/// </summary>
public sealed class ConsoleApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Unknown_stream_is_a_404_and_a_malformed_entry_id_a_400_each_with_ProblemDetails()
    {
        await using var world = await ConsoleWorld.StartAsync(withServices: false);
        await AddDeadLetterAsync(world.Database, "OrderPlaced");
        using var client = Client(world);

        foreach (var path in new[] { "/api/streams/nope/entries", "/api/streams/nope/groups", "/api/live/streams/nope/entries", "/api/live/streams/nope/groups" })
        {
            var problem = await ProblemAsync(await client.GetAsync(path, TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
            Assert.Equal("Redis holds no stream called 'nope'.", problem.GetProperty("detail").GetString());
        }

        foreach (var before in new[] { "not-an-id", "1-2-3", "99999999999999999999999-0" })
        {
            var problem = await ProblemAsync(await client.GetAsync($"/api/streams/orders/entries?before={before}", TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
            Assert.Contains("is not a stream entry id", problem.GetProperty("errors").GetProperty("before")[0].GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/streams/orders/entries?before=1733212800000-0", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Replay_is_refused_with_403_while_AllowReplay_is_false_and_the_dead_letter_stays()
    {
        await using var world = await ConsoleWorld.StartAsync(withServices: false);
        var deadLetter = await AddDeadLetterAsync(world.Database, "OrderPlaced");
        using var client = Client(world);
        var token = await TokenAsync(client);

        var problem = await ProblemAsync(await client.PostAsync("/api/dead-letters/replay",
            Form(token, ("key", "orders:dead-letter"), ("id", deadLetter)), TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        Assert.Equal("Replay is turned off", problem.GetProperty("title").GetString());
        await ProblemAsync(await client.PostAsync("/api/dead-letters/replay-type",
            Form(token, ("stream", "orders"), ("type", "OrderPlaced")), TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        await ProblemAsync(await CommandAsync(client, ConsoleWorld.CommandKey), HttpStatusCode.Forbidden);

        Assert.Equal(1, await world.Database.StreamLengthAsync("orders:dead-letter"));
        Assert.Equal(0, await world.Database.StreamLengthAsync("orders"));
    }

    [Fact]
    public async Task Replay_needs_the_page_antiforgery_token_or_the_AppHost_command_key_and_puts_back_the_same_event()
    {
        await using var world = await ConsoleWorld.StartAsync(allowReplay: true, withServices: false);
        var placed = await AddDeadLetterAsync(world.Database, "OrderPlaced");
        await AddDeadLetterAsync(world.Database, "OrderCancelled");
        using var client = Client(world);

        // A form without the token, as another site could send it: refused before the endpoint runs.
        var unprotected = await client.PostAsync("/api/dead-letters/replay", Form(null, ("key", "orders:dead-letter"), ("id", placed)), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, unprotected.StatusCode);
        var token = await TokenAsync(client);
        await ProblemAsync(await client.PostAsync("/api/dead-letters/replay", Form(token, ("key", "orders:dead-letter"), ("id", "nope")), TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PostAsync("/api/dead-letters/replay", Form(token, ("key", "orders:dead-letter"), ("id", "1-0")), TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PostAsync("/api/dead-letters/replay", Form(token, ("key", "orders"), ("id", placed)), TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await CommandAsync(client, key: null), HttpStatusCode.Forbidden);
        await ProblemAsync(await CommandAsync(client, "not-the-command-key-at-all"), HttpStatusCode.Forbidden);
        Assert.Equal(2, await world.Database.StreamLengthAsync("orders:dead-letter"));

        // One type only, from the page.
        var ofType = await client.PostAsync("/api/dead-letters/replay-type", Form(token, ("stream", "orders"), ("type", "OrderPlaced")), TestContext.Current.CancellationToken);
        Assert.Equal(1, (await ofType.Content.ReadFromJsonAsync<JsonElement>(Json, TestContext.Current.CancellationToken)).GetProperty("replayed").GetInt32());
        Assert.Equal(1, await world.Database.StreamLengthAsync("orders:dead-letter"));

        // The rest through the dashboard's command.
        var command = await CommandAsync(client, ConsoleWorld.CommandKey);
        Assert.Equal(HttpStatusCode.OK, command.StatusCode);
        Assert.Equal(0, await world.Database.StreamLengthAsync("orders:dead-letter"));

        var putBack = await world.Database.StreamRangeAsync("orders");
        Assert.Equal(["OrderPlaced", "OrderCancelled"], putBack.Select(entry => (string)entry[EntryFields.Type]!));
        Assert.All(putBack, entry =>
        {
            Assert.Equal("1", (string?)entry[EntryFields.Replays]);
            Assert.True(entry[EntryFields.Error].IsNull, "the dead letter's bookkeeping is not put back");
            Assert.Equal($"event-of-{entry[EntryFields.Type]}", (string?)entry[EntryFields.Id]);
        });
        Assert.Empty(await world.ConsoleRefusalsAsync());
    }

    [Fact]
    public async Task Dead_letter_of_an_OrderPlaced_version_1_is_replayed_and_upcast_like_any_other_entry()
    {
        await using var world = await ConsoleWorld.StartAsync(allowReplay: true);
        var reservedBefore = await world.ReservedAsync("SKU-003");
        var orderId = Guid.NewGuid();
        // Dead-lettered before OrderPlaced had versions: no version field, and SKU-003 on two lines.
        await world.Database.StreamAddAsync("orders:dead-letter",
        [
            new(EntryFields.Id, Guid.NewGuid().ToString()), new(EntryFields.Type, "OrderPlaced"),
            new(EntryFields.Data, $$"""{"orderId":"{{orderId}}","customerId":"c-replayed","items":[{"sku":"SKU-003","quantity":1},{"sku":"SKU-003","quantity":2}]}"""),
            new(EntryFields.OccurredAt, "2026-12-01T10:00:00Z"), new(EntryFields.Source, "order-service"),
            new(EntryFields.Group, "inventory-service"), new(EntryFields.Consumer, "inventoryservice-1"),
            new(EntryFields.Deliveries, "5"), new(EntryFields.Error, "System.TimeoutException: the database did not answer"),
            new(EntryFields.OriginalId, "1733212800000-0"),
        ]);
        using var client = Client(world);

        var replay = await client.PostAsync("/api/dead-letters/replay-type",
            Form(await TokenAsync(client), ("stream", "orders"), ("type", "OrderPlaced")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        // The answer is relayed from InventoryService's outbox after its reservation commits: wait for the answer itself.
        StreamEntry[] answers = [];
        await Wait.UntilAsync(async () => (answers = [.. (await world.Database.StreamRangeAsync("inventory"))
                .Where(entry => entry[EntryFields.Type] == "StockReserved")]).Length > 0, TimeSpan.FromSeconds(30),
            "InventoryService to answer the replayed version 1 order");
        Assert.Equal($$"""{"orderId":"{{orderId}}","items":[{"sku":"SKU-003","quantity":3}]}""", (string?)Assert.Single(answers)[EntryFields.Data]);
        Assert.Equal(reservedBefore + 3, await world.ReservedAsync("SKU-003"));
        Assert.Equal(0, await world.Database.StreamLengthAsync("orders:dead-letter"));
    }

    [Fact]
    public async Task Request_for_another_host_is_refused_so_a_rebound_DNS_name_cannot_reach_the_console()
    {
        await using var world = await ConsoleWorld.StartAsync(withServices: false);
        using var client = Client(world);

        foreach (var host in new[] { "evil.example", "localhost.evil.example", "192.168.1.20" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/streams") { Headers = { Host = host } };
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);
        }

        foreach (var host in new[] { "localhost", $"localhost:{world.Console.BaseAddress.Port}", "127.0.0.1", "[::1]" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/streams") { Headers = { Host = host } };
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);
        }
    }

    [Fact]
    public async Task Every_answer_forbids_framing_foreign_content_and_type_sniffing()
    {
        await using var world = await ConsoleWorld.StartAsync(withServices: false);
        using var client = Client(world);

        foreach (var path in new[] { "/", "/app.js", "/app.css", "/api/streams", "/api/streams/nope/entries", "/no-such-page" })
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal("default-src 'self'; frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        }
    }

    [Fact]
    public async Task Live_view_past_MaxLiveViews_is_a_503_problem_until_one_closes()
    {
        await using var world = await ConsoleWorld.StartAsync(new Dictionary<string, string> { ["Console__MaxLiveViews"] = "2" }, withServices: false);
        using var client = Client(world);
        using var first = await OpenLiveAsync(client, "/api/live/streams");
        using var second = await OpenLiveAsync(client, "/api/live/dead-letters");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));

        using var third = await OpenLiveAsync(client, "/api/live/streams");

        var problem = await ProblemAsync(third, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Console:MaxLiveViews", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(third.Headers.RetryAfter);
        // Pages that are not live are not counted.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/streams", TestContext.Current.CancellationToken)).StatusCode);

        first.Dispose();
        await Wait.UntilAsync(async () =>
        {
            using var again = await OpenLiveAsync(client, "/api/live/streams");
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15), "the closed view's place to be free again");
    }

    [Theory]
    [InlineData("/api/streams/orders/entries?before=0-0", HttpStatusCode.OK)]
    [InlineData("/api/streams/orders/entries?before=18446744073709551615-18446744073709551615", HttpStatusCode.OK)]
    [InlineData("/api/streams/orders/entries?before=18446744073709551616-0", HttpStatusCode.BadRequest)]
    [InlineData("/api/streams/orders/entries?before=-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/streams/orders/entries?before=%E2%82%AC", HttpStatusCode.BadRequest)]
    [InlineData("/api/streams/orders/entries?before=1%20", HttpStatusCode.BadRequest)]
    [InlineData("/api/live/streams/orders/entries?before=0-1-2", HttpStatusCode.BadRequest)]
    [InlineData("/api/streams/%E2%82%AC/groups", HttpStatusCode.NotFound)]
    [InlineData("/api/streams/orders%3A%7B1%7D/groups", HttpStatusCode.NotFound)]
    [InlineData("/api/streams/orders:dead-letter/entries", HttpStatusCode.NotFound)]
    [InlineData("/api/streams/*/entries", HttpStatusCode.NotFound)]
    [InlineData("/api/dead-letters?%ff%fe=%00", HttpStatusCode.OK)]
    public async Task Malformed_query_or_route_value_is_answered_without_a_server_error(string path, HttpStatusCode expected)
    {
        await using var world = await ConsoleWorld.StartAsync(withServices: false);
        await AddDeadLetterAsync(world.Database, "OrderPlaced");
        using var client = Client(world);

        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        if ((int)response.StatusCode >= 400)
        {
            await ProblemAsync(response, expected);
        }
    }

    private static Task<HttpResponseMessage> OpenLiveAsync(HttpClient client, string path) =>
        client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

    /// <summary>
    /// A dead letter as the bus writes one: the original entry's fields, then group, consumer, deliveries, error,
    /// originalId. The stream it came from need not exist: the console knows <c>orders</c> from its dead-letter key.
    /// </summary>
    private static async Task<string> AddDeadLetterAsync(IDatabase database, string type)
    {
        return (string)(await database.StreamAddAsync("orders:dead-letter",
        [
            new(EntryFields.Id, $"event-of-{type}"), new(EntryFields.Type, type), new(EntryFields.Data, "{}"),
            new(EntryFields.OccurredAt, "2026-12-03T10:00:00Z"), new(EntryFields.Source, "order-service"),
            new(EntryFields.Group, "inventory-service"), new(EntryFields.Consumer, "inventoryservice-1"),
            new(EntryFields.Deliveries, "5"), new(EntryFields.Error, "System.InvalidOperationException: it broke"),
            new(EntryFields.OriginalId, "1733212800000-0"),
        ]))!;
    }

    private static HttpClient Client(ConsoleWorld world) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = world.Console.BaseAddress };

    /// <summary>What the page does first: the session, whose response also sets the antiforgery cookie.</summary>
    private static async Task<string> TokenAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/session", Json, TestContext.Current.CancellationToken))
        .GetProperty("antiforgeryToken").GetString()!;

    private static FormUrlEncodedContent Form(string? token, params (string Name, string Value)[] fields) =>
        new([.. fields.Select(field => KeyValuePair.Create(field.Name, field.Value)),
            .. token is null ? [] : new[] { KeyValuePair.Create("__RequestVerificationToken", token) }]);

    private static Task<HttpResponseMessage> CommandAsync(HttpClient client, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/replay-dead-letters");
        if (key is not null)
        {
            request.Headers.Add("X-Console-Command-Key", key);
        }

        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json, TestContext.Current.CancellationToken);
    }
}
