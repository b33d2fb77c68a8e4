using System.Net.Http.Json;
using System.Text.Json;
using Shop.HostileInputTests.Generators;
using StackExchange.Redis;

namespace Shop.HostileInputTests.Support;

/// <summary>
/// The system under attack: a <c>redis-server</c> of its own with the limits the AppHost sets, the three services and
/// the streams console as processes in Production settings (the console as its own Redis user), and an admin connection
/// through which the suite writes its hostile entries — the strongest attacker, one who needs no service's user and
/// passes every ACL — and reads what became of them.
/// </summary>
public sealed class ShopUnderAttack : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;
    private readonly LocalRedisServer _redis;
    private readonly Dictionary<Target, HttpClient> _clients;

    private ShopUnderAttack(string directory, LocalRedisServer redis, ShopProcesses services, ServiceProcess console, ConnectionMultiplexer admin)
    {
        _directory = directory;
        _redis = redis;
        Services = services;
        Console = console;
        Admin = admin;
        // No cookies, no redirects, no retries: every request is exactly what was generated.
        HttpClient ClientOf(ServiceProcess process) =>
            new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        _clients = new()
        {
            [Target.Orders] = ClientOf(services.Orders),
            [Target.Inventory] = ClientOf(services.Inventory[0]),
            [Target.Notifications] = ClientOf(services.Notifications),
            [Target.Console] = ClientOf(console),
        };
    }

    public ShopProcesses Services { get; }

    public ServiceProcess Console { get; }

    public ConnectionMultiplexer Admin { get; }

    public IDatabase Database => Admin.GetDatabase();

    public HttpClient Client(Target target) => _clients[target];

    public static async Task<ShopUnderAttack> StartAsync()
    {
        var directory = RunFolder.Create("shop-hostile-");
        // What the AppHost starts Redis with: no eviction of streams, a bound on one argument.
        var redis = await LocalRedisServer.StartAsync(extraArguments: ["--maxmemory", "512mb", "--maxmemory-policy", "noeviction", "--proto-max-bulk-len", "4mb"]);
        var settings = new Dictionary<string, string>
        {
            // An entry a group refuses is dead-lettered by its first delivery; anything else gets a quick second chance.
            ["Messaging__ReclaimAfter"] = "00:00:05",
            ["Messaging__StatsInterval"] = "00:00:01",
            // Oversized entries add up: trimmed soon after every group acknowledged them, a long attack stays under maxmemory.
            ["Messaging__TrimInterval"] = "00:00:05",
        };
        var services = ShopProcesses.Create(redis.ConnectionString, directory, settings: settings);
        var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        var console = ServiceProcess.Create("StreamsConsole", "streamsconsole-1", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = await ConsoleRedisUser.CreateAsync(redis.ConnectionString, Contract.GroupsOf.Keys),
            ["Console__MaxLiveViews"] = "8",
        }, Path.Combine(directory, "logs"));
        await services.StartAsync();
        await console.StartAsync();
        return new ShopUnderAttack(directory, redis, services, console, admin);
    }

    /// <summary>Every product's available and reserved units, from InventoryService.</summary>
    public async Task<Dictionary<string, (int Available, int Reserved)>> StockAsync() =>
        (await Client(Target.Inventory).GetFromJsonAsync<List<JsonElement>>("/products", Json))!
        .ToDictionary(product => product.GetProperty("sku").GetString()!, product => (product.GetProperty("available").GetInt32(), product.GetProperty("reserved").GetInt32()));

    /// <summary>An order's status and lines, from OrderService.</summary>
    public async Task<(string Status, IReadOnlyList<(string Sku, int Quantity)> Lines)> OrderAsync(Guid orderId)
    {
        var order = await Client(Target.Orders).GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Json);
        return (order.GetProperty("status").GetString()!,
            [.. order.GetProperty("items").EnumerateArray().Select(line => (line.GetProperty("sku").GetString()!, line.GetProperty("quantity").GetInt32()))]);
    }

    /// <summary>The processes that are not running (crashed) — none, while the system holds.</summary>
    public IEnumerable<string> Exited() =>
        Services.All.Append(Console).Where(process => process.ProcessId is null).Select(process => process.Name);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await Admin.DisposeAsync();
        await Console.DisposeAsync();
        await Services.DisposeAsync();
        _redis.Dispose();
        RunFolder.Remove(_directory);
    }
}
