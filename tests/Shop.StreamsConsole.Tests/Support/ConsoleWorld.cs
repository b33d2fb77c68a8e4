using System.Net.Http.Json;
using System.Text.Json;
using Shop.Messaging.Security;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Tests.Support;

/// <summary>
/// One test's world: its own <c>redis-server</c>, the three services and the streams console as real processes
/// against it (configured through environment variables, as the AppHost does), and a connection for the test's own
/// arrangements. The console connects as a Redis user of its own with the rules the AppHost gives it
/// (<see cref="MessagingAcl.ConsoleRules"/>): read everything, write only what a replay needs.
/// </summary>
public sealed class ConsoleWorld : IAsyncDisposable
{
    public const string CommandKey = "a-command-key-for-the-tests-only";


    /// <summary>Where the console believes the Aspire dashboard is: its trace links point there.</summary>
    public const string DashboardUrl = "http://localhost:15080";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;
    private readonly LocalRedisServer _redis;

    private ConsoleWorld(string directory, LocalRedisServer redis, ShopProcesses services, ServiceProcess console, ConnectionMultiplexer connection)
    {
        _directory = directory;
        _redis = redis;
        Services = services;
        Console = console;
        Connection = connection;
        Orders = new HttpClient { BaseAddress = services.Orders.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        Inventory = new HttpClient { BaseAddress = services.Inventory[0].BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public ShopProcesses Services { get; }

    public ServiceProcess Console { get; }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    public HttpClient Orders { get; }

    public HttpClient Inventory { get; }

    /// <param name="settings">For the services and the console alike, e.g. <c>Messaging__ReclaimAfter</c>.</param>
    /// <param name="allowReplay"><c>Console__AllowReplay</c>.</param>
    /// <param name="withServices">False: Redis and the console only, for tests of the console's own HTTP answers.</param>
    public static async Task<ConsoleWorld> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null, bool allowReplay = false, bool withServices = true)
    {
        var directory = RunFolder.Create("shop-console-");
        var redis = await LocalRedisServer.StartAsync();
        settings ??= new Dictionary<string, string>();
        var services = ShopProcesses.Create(redis.ConnectionString, directory, settings: settings);
        var console = ServiceProcess.Create("StreamsConsole", "streamsconsole-1", new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings__redis"] = await ConsoleRedisUser.CreateAsync(redis.ConnectionString, ["orders", "inventory", "notifications"]),
            ["Console__AllowReplay"] = allowReplay ? "true" : "false",
            ["Console__CommandKey"] = CommandKey,
            ["Console__DashboardUrl"] = DashboardUrl,
        }, Path.Combine(directory, "logs"));
        try
        {
            if (withServices)
            {
                await services.StartAsync();
            }

            await console.StartAsync();
            return new ConsoleWorld(directory, redis, services, console, await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true"));
        }
        catch
        {
            await console.DisposeAsync();
            await services.DisposeAsync();
            redis.Dispose();
            throw;
        }
    }

    /// <summary>The console's page at <paramref name="fragment"/>, e.g. <c>#/dead-letters</c>.</summary>
    public string Page(string fragment) => new Uri(Console.BaseAddress, "/" + fragment).ToString();

    public string DatabaseFile(string file) => Path.Combine(_directory, file);

    /// <summary>What Redis refused the console's user (<c>ACL LOG</c>): nothing, if its rules hold all it needs.</summary>
    public async Task<IReadOnlyList<string>> ConsoleRefusalsAsync() =>
        [.. (await AclLog.RefusalsAsync(Connection)).Where(refusal => refusal.StartsWith($"{ConsoleRedisUser.Name}:", StringComparison.Ordinal))];

    public async Task<Guid> PlaceOrderAsync(string customerId, string sku, int quantity)
    {
        using var response = await Orders.PostAsJsonAsync("/orders", new { customerId, items = new[] { new { sku, quantity } } }, Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("orderId").GetGuid();
    }

    public async Task<JsonElement> OrderAsync(Guid orderId) =>
        await Orders.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Json);

    public async Task<int> ReservedAsync(string sku) =>
        (await Inventory.GetFromJsonAsync<JsonElement>($"/products/{sku}", Json)).GetProperty("reserved").GetInt32();

    public async Task<int> NotificationsForAsync(Guid orderId)
    {
        using var notifications = new HttpClient { BaseAddress = Services.Notifications.BaseAddress };
        return (await notifications.GetFromJsonAsync<JsonElement>($"/notifications?orderId={orderId}", Json)).GetArrayLength();
    }

    public async ValueTask DisposeAsync()
    {
        Orders.Dispose();
        Inventory.Dispose();
        await Connection.DisposeAsync();
        await Console.DisposeAsync();
        await Services.DisposeAsync();
        _redis.Dispose();
        RunFolder.Remove(_directory);
    }
}
