using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Shop.Testing;

namespace Shop.EndToEndTests;

/// <summary>
/// The whole app as <c>dotnet run --project AppHost</c> starts it (Redis in the mode that fits the machine, three
/// services, two inventory replicas), started once for the tests of this class, driven over HTTP.
/// </summary>
public class RunningApp : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _data = DataFolder();
    private DistributedApplication _app = null!;

    public HttpClient Orders { get; private set; } = null!;

    public HttpClient StreamsConsole { get; private set; } = null!;

    /// <summary>What a click on a resource's command in the dashboard does.</summary>
    public Task<ExecuteCommandResult> ExecuteCommandAsync(string resource, string command) =>
        _app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, TestContext.Current.CancellationToken);

    /// <summary>The AppHost's settings beyond its data folder: Redis in the mode that fits the machine, unless Docker is required.</summary>
    protected virtual IEnumerable<string> Settings => RedisFixture.DockerRequired ? ["Redis:Mode=Container"] : [];

    /// <summary>False where this machine cannot run what <see cref="Settings"/> asks for; the tests then say so.</summary>
    public virtual bool CanRun => true;

    /// <summary>What must exist before the AppHost starts (e.g. your own database server); nothing by default.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>What <see cref="PrepareAsync"/> made, removed after the AppHost stopped.</summary>
    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        if (!CanRun)
        {
            return;
        }

        await PrepareAsync();
        var cancellation = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Shop:DataDirectory={_data}", "Console:AllowReplay=true", .. Settings], cancellation);
        _app = await builder.BuildAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(StartTimeout);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "redis", "orderservice", "inventoryservice", "notificationservice", "streamsconsole" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        Orders = _app.CreateHttpClient("orderservice");
        StreamsConsole = _app.CreateHttpClient("streamsconsole");
        RedisConnectionString = await _app.GetConnectionStringAsync("redis", timeout.Token)
                                ?? throw new InvalidOperationException("The redis resource has no connection string.");
    }

    /// <summary>A resource's connection string, as the AppHost gives it.</summary>
    public async Task<string> GetConnectionStringAsync(string resource) =>
        await _app.GetConnectionStringAsync(resource, TestContext.Current.CancellationToken)
        ?? throw new InvalidOperationException($"The {resource} resource has no connection string.");

    /// <summary>The value of one of the AppHost's parameters (e.g. a generated password).</summary>
    public async Task<string> ParameterAsync(string name) =>
        await _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(parameter => parameter.Name == name).GetValueAsync(TestContext.Current.CancellationToken) ?? "";

    /// <summary>The Redis resource's own connection string: its default user, the administrator.</summary>
    public string RedisConnectionString { get; private set; } = "";

    /// <summary>
    /// The connection string of the Redis user the AppHost made for a service (<paramref name="user"/>, e.g.
    /// <c>order-service</c>): the server's address, the user, and its generated password (a parameter of the AppHost).
    /// </summary>
    public async Task<string> RedisConnectionStringOfAsync(string user)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(RedisConnectionString);
        (options.User, options.Password) = (user, await ParameterAsync($"redis-{user}-password"));
        return options.ToString(includePassword: true);
    }

    /// <summary>
    /// The AppHost's data folder, which others may enter (not read): run as root, the AppHost runs a local PostgreSQL as
    /// the unprivileged postgres user, whose cluster lives below it.
    /// </summary>
    private static string DataFolder()
    {
        var folder = Directory.CreateTempSubdirectory("shop-e2e-");
        if (!OperatingSystem.IsWindows())
        {
            folder.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }

        return folder.FullName;
    }

    public async ValueTask DisposeAsync()
    {
        Orders?.Dispose();
        StreamsConsole?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await CleanUpAsync();

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

/// <summary>
/// <c>dotnet run --project AppHost -- Database:Mode=Postgres</c>: a PostgreSQL server (a container where Docker runs,
/// else a local <c>postgres</c> process), a database and a user per service, and two instances of every service.
/// </summary>
public sealed class RunningPostgresApp : RunningApp
{
    protected override IEnumerable<string> Settings =>
        [.. base.Settings, "Database:Mode=Postgres", .. RedisFixture.DockerRequired ? ["Database:Server=Container"] : Array.Empty<string>()];

    /// <summary>The AppHost runs PostgreSQL's container on the Docker path, else a local server from the binaries.</summary>
    public override bool CanRun => RedisFixture.DockerRequired || PostgresAvailability.BinariesInstalled;

    /// <summary>The connection string of the database user the AppHost made for a service's database, to a database of one's choice.</summary>
    public async Task<string> DatabaseConnectionStringOfAsync(string database, string user, string connectTo)
    {
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(await GetConnectionStringAsync("postgres"));
        var password = await ParameterAsync($"{database}-password");
        return new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = admin.Host, Port = admin.Port, Username = user, Password = password, Database = connectTo, Pooling = false,
        }.ConnectionString;
    }
}

/// <summary>
/// <c>dotnet run --project AppHost -- Database:Mode=External</c> with your own PostgreSQL: here a server this fixture
/// starts, with the three databases made beforehand, given to the AppHost as <c>ConnectionStrings:orderdb</c>, ….
/// </summary>
public sealed class RunningExternalDatabaseApp : RunningApp
{
    private LocalPostgresServer? _server;
    private readonly Dictionary<string, string> _databases = [];

    public override bool CanRun => PostgresAvailability.BinariesInstalled;

    protected override IEnumerable<string> Settings =>
        [.. base.Settings, "Database:Mode=External", .. _databases.Select(database => $"ConnectionStrings:{database.Key}={database.Value}")];

    /// <summary>The connection string the AppHost was given for a service's database.</summary>
    public string DatabaseConnectionString(string database) => _databases[database];

    protected override async Task PrepareAsync()
    {
        _server = await LocalPostgresServer.StartAsync();
        foreach (var database in new[] { "orderdb", "inventorydb", "notificationdb" })
        {
            _databases[database] = PostgresDatabases.Create(_server.AdminConnectionString, database);
        }
    }

    protected override async ValueTask CleanUpAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// <c>dotnet run --project AppHost -- Redis:Mode=Cluster</c>: three local cluster nodes on free ports, every stream in
/// the AppHost's default partitions.
/// </summary>
public sealed class RunningClusterApp : RunningApp
{
    protected override IEnumerable<string> Settings => ["Redis:Mode=Cluster", $"Redis:Cluster:FirstPort={FreeClusterPorts()}"];

    /// <summary>A first port whose two neighbours and their bus ports (+10000) are free too.</summary>
    private static int FreeClusterPorts()
    {
        for (var first = 20000; first < 30000; first += 7)
        {
            if (Enumerable.Range(first, 3).SelectMany(port => new[] { port, port + 10000 }).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException("No free ports for a local cluster between 20000 and 40002.");

        static bool IsFree(int port)
        {
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }
    }
}

public sealed class AppHostTests(RunningApp app) : AppHostScenarios(app), IClassFixture<RunningApp>;

public sealed class PostgresAppHostTests(RunningPostgresApp app) : AppHostScenarios(Available(app)), IClassFixture<RunningPostgresApp>
{
    private static RunningPostgresApp Available(RunningPostgresApp app)
    {
        PostgresAvailability.SkipUnless(app.CanRun);
        return app;
    }

    [Theory]
    [InlineData("orders", "inventory-service")]
    [InlineData("inventory", "order-service")]
    [InlineData("orders", "notification-service")]
    [InlineData("inventory", "notification-service")]
    public async Task Every_service_runs_two_instances_each_a_consumer_of_its_group(string stream, string group)
    {
        await WaitForAsync(await PlaceAsync($"e2e-pg-{group}", "SKU-001", 1), order => order.NotifiedAt is not null);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);

        // Every instance reads its group all the time (a blocking read at least every BlockTimeout, 5 s), so each is a
        // live consumer there, named after its own instance. Consumers of an earlier run on a kept Redis volume (the
        // Docker path) have been idle since that run ended.
        await Wait.UntilAsync(async () => (await redis.GetDatabase().StreamConsumerInfoAsync(stream, group))
                .Count(consumer => consumer.IdleTimeInMilliseconds < 15_000) == 2,
            TimeSpan.FromSeconds(30), $"two live consumers of {group} on {stream}");
    }

    [Theory]
    [InlineData("orderdb", "order-service", "inventorydb")]
    [InlineData("inventorydb", "inventory-service", "notificationdb")]
    [InlineData("notificationdb", "notification-service", "orderdb")]
    public async Task Database_user_of_a_service_owns_its_database_and_may_not_connect_to_another(string database, string user, string otherDatabase)
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using (var own = new Npgsql.NpgsqlConnection(await app.DatabaseConnectionStringOfAsync(database, user, database)))
        {
            await own.OpenAsync(cancellation);
            await using var owner = new Npgsql.NpgsqlCommand("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()", own);
            Assert.Equal(user, await owner.ExecuteScalarAsync(cancellation));
        }

        await using var other = new Npgsql.NpgsqlConnection(await app.DatabaseConnectionStringOfAsync(database, user, otherDatabase));
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => other.OpenAsync(cancellation));
        Assert.Equal("42501", refused.SqlState); // insufficient_privilege: "permission denied for database"
    }
}

public sealed class ExternalDatabaseAppHostTests(RunningExternalDatabaseApp app) : IClassFixture<RunningExternalDatabaseApp>
{
    [Fact]
    public async Task Services_keep_their_state_in_the_databases_the_connection_strings_name()
    {
        PostgresAvailability.SkipUnless(app.CanRun);
        var cancellation = TestContext.Current.CancellationToken;
        var response = await app.Orders.PostAsJsonAsync("/orders", new { customerId = "e2e-external", items = new[] { new { sku = "SKU-002", quantity = 1 } } }, cancellation);
        response.EnsureSuccessStatusCode();
        var orderId = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("orderId").GetGuid();

        // Confirmed, read from the database the AppHost was given, not through the service.
        await using var orders = new Npgsql.NpgsqlConnection(app.DatabaseConnectionString("orderdb"));
        await orders.OpenAsync(cancellation);
        await Wait.UntilAsync(async () =>
        {
            await using var status = new Npgsql.NpgsqlCommand("SELECT \"Status\" FROM orders WHERE \"Id\" = $1", orders) { Parameters = { new() { Value = orderId } } };
            return (string?)await status.ExecuteScalarAsync(cancellation) == "Confirmed";
        }, TimeSpan.FromSeconds(60), "the order confirmed in the external orderdb");
    }
}

public sealed class ClusterAppHostTests(RunningClusterApp app) : AppHostScenarios(app), IClassFixture<RunningClusterApp>
{
    [Fact]
    public async Task Streams_are_partitioned_over_the_cluster_nodes()
    {
        var orderId = await PlaceAsync("e2e-cluster", "SKU-002", 1);
        await WaitForAsync(orderId, order => order.NotifiedAt is not null);

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var database = redis.GetDatabase();
        Assert.False(await database.KeyExistsAsync("orders"), "on the cluster the orders stream is its partitions, not one key");
        var partitions = Enumerable.Range(0, 6).Select(partition => $"orders:{{{partition}}}").ToArray();
        var lengths = await Task.WhenAll(partitions.Select(key => database.StreamLengthAsync(key)));
        Assert.True(lengths.Sum() >= 2, $"OrderPlaced and OrderConfirmed in the partitions of orders ({string.Join(", ", lengths)})");
        Assert.Equal(3, redis.GetServers().Count(server => server.IsConnected && !server.IsReplica));
    }
}

/// <summary>What a user does with the running app, whichever Redis it runs on.</summary>
public abstract class AppHostScenarios(RunningApp app)
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

    [Fact]
    public async Task Services_connect_as_their_own_Redis_users_and_Redis_refuses_none_of_their_commands()
    {
        var orderId = await PlaceAsync("e2e-acl", "SKU-003", 1);
        await WaitForAsync(orderId, order => order.NotifiedAt is not null);
        // The console connects to Redis with its first request, and reads every stream and dead letter for it.
        (await app.StreamsConsole.GetAsync("/api/dead-letters", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var options = StackExchange.Redis.ConfigurationOptions.Parse(app.RedisConnectionString);
        options.AllowAdmin = true;
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in redis.GetServers().Where(server => !server.IsReplica))
        {
            var clients = (string)(await server.ExecuteAsync("CLIENT", "LIST"))!;
            users.UnionWith(System.Text.RegularExpressions.Regex.Matches(clients, @" user=(\S+)").Select(match => match.Groups[1].Value));
        }

        Assert.Superset(new HashSet<string>(["order-service", "inventory-service", "notification-service", "streams-console"], StringComparer.Ordinal), users);
        // Every refusal but those of the probes below, which ask for what a user must not have on purpose.
        Assert.DoesNotContain(await AclLog.RefusalsAsync(redis), refusal => !refusal.EndsWith($"from client '{AclProbe.ClientName}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redis_the_AppHost_runs_never_evicts_and_bounds_its_memory_and_one_arguments_size()
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(app.RedisConnectionString);
        options.AllowAdmin = true;
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);

        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            var settings = (await server.ConfigGetAsync("*")).ToDictionary(setting => setting.Key, setting => setting.Value, StringComparer.Ordinal);
            Assert.Equal("noeviction", settings["maxmemory-policy"]);
            Assert.Equal((512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), settings["maxmemory"]);
            Assert.Equal((4L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), settings["proto-max-bulk-len"]);
        }
    }

    [Theory]
    [InlineData("order-service", "inventory")]
    [InlineData("inventory-service", "orders")]
    [InlineData("notification-service", "inventory")]
    [InlineData("streams-console", null)]
    public async Task Redis_user_the_AppHost_makes_reads_no_secret_runs_no_script_and_forges_no_event(string redisUser, string? consumedStream)
    {
        await using var user = await AclProbe.ConnectAsync(await app.RedisConnectionStringOfAsync(redisUser));

        Assert.NotNull(await AclProbe.RefusalAsync(user, "CONFIG", "GET", "requirepass"));
        Assert.NotNull(await AclProbe.RefusalAsync(user, "CONFIG", "GET", "masterauth"));
        Assert.NotNull(await AclProbe.RefusalAsync(user, "EVAL", "return 1", 0));
        Assert.NotNull(await AclProbe.RefusalAsync(user, "SCRIPT", "LOAD", "return 1"));
        Assert.NotNull(await AclProbe.RefusalAsync(user, "FUNCTION", "DELETE", "shop_messaging"));
        if (consumedStream is not null)
        {
            // An event written by hand into a stream the service only reads: what a compromised service would forge.
            Assert.NotNull(await AclProbe.RefusalAsync(user, "XADD", (StackExchange.Redis.RedisKey)$"{consumedStream}:{{0}}", "*", "type", "forged"));
            Assert.NotNull(await AclProbe.RefusalAsync(user, "XADD", (StackExchange.Redis.RedisKey)consumedStream, "*", "type", "forged"));
        }
    }

    [Fact]
    public async Task Streams_console_shows_every_stream_and_its_dashboard_command_replays_the_dead_letters()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // An order through the whole saga first: every group, and with it every stream, exists then.
        await WaitForAsync(await PlaceAsync("e2e-console", "SKU-005", 1), order => order.NotifiedAt is not null);
        var streams = default(JsonElement);
        await Wait.UntilAsync(async () =>
        {
            streams = await app.StreamsConsole.GetFromJsonAsync<JsonElement>("/api/streams", cancellation);
            return streams.EnumerateArray().Select(stream => stream.GetProperty("name").GetString()!).ToHashSet()
                .IsSupersetOf(["orders", "inventory", "notifications"]);
        }, TimeSpan.FromSeconds(30), "the console to list orders, inventory and notifications");
        var orders = streams.EnumerateArray().Single(stream => stream.GetProperty("name").GetString() == "orders");

        // A poison entry in the first key of orders (the stream, or its first partition): each group dead-letters it.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        await redis.GetDatabase().StreamAddAsync(orders.GetProperty("keys")[0].GetString(),
            [new("id", "not-a-guid"), new("type", "OrderPlaced"), new("data", "{}"), new("occurredAt", "2026-12-03T10:00:00Z"), new("source", "e2e")]);
        await Wait.UntilAsync(async () => (await DeadLettersAsync()).GetProperty("total").GetInt64() >= 2, TimeSpan.FromSeconds(60), "the poison entry dead-lettered");

        var result = await app.ExecuteCommandAsync("streamsconsole", "replay-dead-letters");

        Assert.True(result.Success, result.Message);
        // Put back unfixed, it fails again: the new dead letters say it was replayed once.
        await Wait.UntilAsync(async () => (await DeadLettersAsync()).GetProperty("deadLetters").EnumerateArray()
            .Count(deadLetter => deadLetter.GetProperty("replays").ValueKind == JsonValueKind.String) >= 2, TimeSpan.FromSeconds(60), "the replayed poison dead-lettered again");

        async Task<JsonElement> DeadLettersAsync() => await app.StreamsConsole.GetFromJsonAsync<JsonElement>("/api/dead-letters", cancellation);
    }

    protected async Task<Guid> PlaceAsync(string customerId, string sku, int quantity)
    {
        var response = await _orders.PostAsJsonAsync("/orders", new { customerId, items = new[] { new { sku, quantity } } }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Placed>(TestContext.Current.CancellationToken))!.OrderId;
    }

    protected async Task<OrderView> WaitForAsync(Guid orderId, Func<OrderView, bool> condition)
    {
        OrderView? order = null;
        await Wait.UntilAsync(async () => condition(order = (await _orders.GetFromJsonAsync<OrderView>($"/orders/{orderId}", TestContext.Current.CancellationToken))!),
            TimeSpan.FromSeconds(60), $"order {orderId} to move on");
        return order!;
    }

    protected sealed record Placed(Guid OrderId, string Status);

    protected sealed record OrderView(Guid OrderId, string Status, DateTime? NotifiedAt);
}
