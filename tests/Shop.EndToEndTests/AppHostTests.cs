using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Shop.Testing;

namespace Shop.EndToEndTests;

/// <summary>
/// The whole app as <c>dotnet run --project AppHost</c> starts it (Redis in the mode that fits the machine, three
/// services, two inventory replicas), started once for the tests of this class, driven over HTTP.
/// </summary>
public sealed class RunningApp : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _data = Directory.CreateTempSubdirectory("shop-e2e-").FullName;
    private DistributedApplication _app = null!;

    public HttpClient Orders { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Shop:DataDirectory={_data}"], cancellation);
        _app = await builder.BuildAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(StartTimeout);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "redis", "orderservice", "inventoryservice", "notificationservice" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        Orders = _app.CreateHttpClient("orderservice");
    }

    public async ValueTask DisposeAsync()
    {
        Orders?.Dispose();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A process still closing its files; the OS cleans temp folders.
        }
    }

}

public sealed class AppHostTests(RunningApp app) : IClassFixture<RunningApp>
{
    private readonly HttpClient _orders = app.Orders;

    [Fact]
    public async Task Order_placed_through_the_AppHost_is_confirmed_and_notified()
    {
        var orderId = await PlaceAsync("e2e-1", "SKU-001", 1);

        var order = await WaitForAsync(orderId, order => order.NotifiedAt is not null);

        Assert.Equal("Confirmed", order.Status);
    }

    [Fact]
    public async Task Order_over_stock_placed_through_the_AppHost_is_rejected()
    {
        var orderId = await PlaceAsync("e2e-2", "SKU-006", 500);

        var order = await WaitForAsync(orderId, order => order.Status != "Pending");

        Assert.Equal("Rejected", order.Status);
    }

    private async Task<Guid> PlaceAsync(string customerId, string sku, int quantity)
    {
        var response = await _orders.PostAsJsonAsync("/orders", new { customerId, items = new[] { new { sku, quantity } } }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Placed>(TestContext.Current.CancellationToken))!.OrderId;
    }

    private async Task<OrderView> WaitForAsync(Guid orderId, Func<OrderView, bool> condition)
    {
        OrderView? order = null;
        await Wait.UntilAsync(async () => condition(order = (await _orders.GetFromJsonAsync<OrderView>($"/orders/{orderId}", TestContext.Current.CancellationToken))!),
            TimeSpan.FromSeconds(60), $"order {orderId} to move on");
        return order!;
    }

    private sealed record Placed(Guid OrderId, string Status);

    private sealed record OrderView(Guid OrderId, string Status, DateTime? NotifiedAt);
}
