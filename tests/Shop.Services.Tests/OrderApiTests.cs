using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shop.OrderService.Data;
using Shop.Services.Tests.Support;

namespace Shop.Services.Tests;

/// <summary>OrderService's HTTP contract, with the service on its own.</summary>
public sealed class OrderApiTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;
    private ServiceHost<OrderDb> _service = null!;
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _service = new ServiceHost<OrderDb>(redis.ConnectionStringFor(redis.UniqueDatabase()), "orderdb");
        _client = _service.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Placing_an_order_answers_202_with_its_location_and_Pending()
    {
        var response = await PostAsync("""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":2}]}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var placed = await response.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation);
        Assert.Equal("Pending", placed!.Status);
        Assert.EndsWith($"/orders/{placed.OrderId}", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        var order = await _client.GetFromJsonAsync<OrderView>(response.Headers.Location, _cancellation);
        Assert.Equal(("c-1", "Pending"), (order!.CustomerId, order.Status));
        Assert.Equal([new LineView("SKU-001", 2)], order.Items);
    }

    [Theory]
    [InlineData("""{"customerId":"c-1","items":[]}""", "items")]
    [InlineData("""{"customerId":"c-1"}""", "items")]
    [InlineData("""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":0}]}""", "items[0].quantity")]
    [InlineData("""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":-3}]}""", "items[0].quantity")]
    [InlineData("""{"items":[{"sku":"SKU-001","quantity":1}]}""", "customerId")]
    [InlineData("""{"customerId":"  ","items":[{"sku":"SKU-001","quantity":1}]}""", "customerId")]
    [InlineData("""{"customerId":"c-1","items":[{"sku":"not a sku!","quantity":1}]}""", "items[0].sku")]
    [InlineData("""{"customerId":"c-1","items":[null,{"sku":"SKU-001","quantity":1}]}""", "items[0]")]
    public async Task Invalid_order_is_a_400_naming_the_field(string body, string field)
    {
        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field} in {problem.RootElement}");
    }

    [Fact]
    public async Task Idempotency_key_over_200_characters_is_a_400_naming_the_header_and_places_nothing()
    {
        var response = await PostAsync("""{"customerId":"c-long-key","items":[{"sku":"SKU-001","quantity":1}]}""", new string('k', 201));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), $"no error for the header in {problem.RootElement}");
        Assert.Empty((await _client.GetFromJsonAsync<List<OrderView>>("/orders?customerId=c-long-key", _cancellation))!);
    }

    [Fact]
    public async Task Customer_id_over_100_characters_in_a_query_is_a_400_naming_it()
    {
        var response = await _client.GetAsync($"/orders?customerId={new string('c', 101)}", _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("customerId", out _), $"no error for customerId in {problem.RootElement}");
    }

    [Theory]
    [InlineData("""{"customerId":"c-1","items":[""")]
    [InlineData("""{"customerId":"c-1","items":[{"sku":"SKU-001","quantity":"two"}]}""")]
    [InlineData("""{"customerId":42,"items":[{"sku":"SKU-001","quantity":1}]}""")]
    [InlineData("not json")]
    public async Task Malformed_json_or_a_field_of_the_wrong_type_is_a_400_problem(string body)
    {
        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation));
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Retried_post_with_the_same_idempotency_key_returns_the_same_order()
    {
        const string body = """{"customerId":"c-9","items":[{"sku":"SKU-002","quantity":1}]}""";

        var first = await (await PostAsync(body, "retry-me")).Content.ReadFromJsonAsync<PlacedOrder>(_cancellation);
        var retries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(body, "retry-me")));

        foreach (var retry in retries)
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            Assert.Equal(first!.OrderId, (await retry.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation))!.OrderId);
        }

        var orders = await _client.GetFromJsonAsync<List<OrderView>>("/orders?customerId=c-9", _cancellation);
        Assert.Single(orders!);
    }

    [Fact]
    public async Task Idempotency_key_is_the_customers_own_and_another_customers_same_key_places_another_order()
    {
        var mine = await PostAsync("""{"customerId":"c-alice","items":[{"sku":"SKU-001","quantity":1}]}""", "order-1");
        var theirs = await PostAsync("""{"customerId":"c-mallory","items":[{"sku":"SKU-006","quantity":3}]}""", "order-1");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (mine.StatusCode, theirs.StatusCode));
        var (myOrder, theirOrder) = (await mine.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation), await theirs.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation));
        Assert.NotEqual(myOrder!.OrderId, theirOrder!.OrderId);
        // Each sees their own order, and only their own: customer, items.
        var seen = await _client.GetFromJsonAsync<OrderView>($"/orders/{theirOrder.OrderId}", _cancellation);
        Assert.Equal(("c-mallory", new LineView("SKU-006", 3)), (seen!.CustomerId, Assert.Single(seen.Items)));
    }

    [Theory]
    [InlineData("""{"customerId":"c-7","items":[{"sku":"SKU-002","quantity":2}]}""")]
    [InlineData("""{"customerId":"c-7","items":[{"sku":"SKU-003","quantity":1}]}""")]
    [InlineData("""{"customerId":"c-7","items":[{"sku":"SKU-002","quantity":1},{"sku":"SKU-002","quantity":1}]}""")]
    public async Task Same_idempotency_key_with_another_request_is_a_422_problem_and_places_nothing(string otherBody)
    {
        var first = await PostAsync("""{"customerId":"c-7","items":[{"sku":"SKU-002","quantity":1}]}""", "key-7");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var reused = await PostAsync(otherBody, "key-7");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        var problem = await reused.Content.ReadAsStringAsync(_cancellation);
        Assert.Contains("Idempotency-Key", problem, StringComparison.Ordinal);
        Assert.DoesNotContain((await first.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation))!.OrderId.ToString(), problem, StringComparison.Ordinal);
        Assert.Single((await _client.GetFromJsonAsync<List<OrderView>>("/orders?customerId=c-7", _cancellation))!);
    }

    [Fact]
    public async Task Same_idempotency_key_sent_at_once_with_two_different_requests_places_one_order_and_refuses_the_other()
    {
        var (one, other) = (
            """{"customerId":"c-8","items":[{"sku":"SKU-001","quantity":1}]}""",
            """{"customerId":"c-8","items":[{"sku":"SKU-001","quantity":9}]}""");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PostAsync(i % 2 == 0 ? one : other, "race")));

        var placed = Assert.Single(await _client.GetFromJsonAsync<List<OrderView>>("/orders?customerId=c-8", _cancellation) ?? []);
        var winner = placed.Items[0].Quantity == 1 ? one : other;
        for (var i = 0; i < answers.Length; i++)
        {
            var expected = (i % 2 == 0 ? one : other) == winner ? HttpStatusCode.Accepted : HttpStatusCode.UnprocessableEntity;
            Assert.Equal(expected, answers[i].StatusCode);
        }
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Body_over_the_limit_is_a_413_problem_that_closes_the_connection_before_anything_reads_it(string contentType)
    {
        // Refused by length alone, whatever the endpoint would make of it (a 415 would not read it): the connection is
        // closed, and says so, because nobody drains a body that large.
        using var content = new ByteArrayContent(new byte[70_000]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await _client.PostAsync("/orders", content, _cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.ConnectionClose, "the answer says the connection closes");
    }

    [Fact]
    public async Task Unknown_order_is_404_to_read_and_to_cancel()
    {
        var missing = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/orders/{missing}", _cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync($"/orders/{missing}/cancel", null, _cancellation)).StatusCode);
    }

    [Fact]
    public async Task Orders_are_listed_newest_first_and_filtered_by_customer_and_status()
    {
        await PostAsync("""{"customerId":"lister","items":[{"sku":"SKU-001","quantity":1}]}""");
        await PostAsync("""{"customerId":"lister","items":[{"sku":"SKU-002","quantity":1}]}""");
        await PostAsync("""{"customerId":"someone-else","items":[{"sku":"SKU-003","quantity":1}]}""");

        var mine = await _client.GetFromJsonAsync<List<OrderView>>("/orders?customerId=lister&status=Pending", _cancellation);

        Assert.Equal(["SKU-002", "SKU-001"], mine!.Select(order => order.Items[0].Sku));
    }

    [Fact]
    public async Task Sample_orders_endpoint_places_a_burst_with_every_fifth_order_over_stock()
    {
        var response = await _client.PostAsync("/samples/orders?count=10", null, _cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = await response.Content.ReadFromJsonAsync<List<Guid>>(_cancellation);
        Assert.NotNull(ids);
        Assert.Equal(10, ids.Distinct().Count());
        var overStock = 0;
        foreach (var id in ids)
        {
            var order = await _client.GetFromJsonAsync<OrderView>($"/orders/{id}", _cancellation);
            overStock += order!.Items.Count(item => item is { Sku: "SKU-006", Quantity: 50 });
        }

        Assert.Equal(2, overStock);
    }

    [Fact]
    public async Task OpenApi_document_and_health_endpoints_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/openapi/v1.json", _cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/alive", _cancellation)).StatusCode);
        await Wait.UntilAsync(async () => (await _client.GetAsync("/health", _cancellation)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "the service to be ready");
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await _client.SendAsync(request, _cancellation);
    }
}
