using Testcontainers.Redis;

namespace Shop.Testing;

/// <summary>
/// A Redis of one test's own, for tests that take Redis away and bring it back: a local redis-server where one is
/// installed, else a container, listening on the port the test chose (so a client configured before it started
/// finds it once it is up).
/// </summary>
public sealed class DedicatedRedis : IAsyncDisposable
{
    private readonly LocalRedisServer? _local;
    private readonly RedisContainer? _container;

    private DedicatedRedis(LocalRedisServer? local, RedisContainer? container, int port)
    {
        _local = local;
        _container = container;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<DedicatedRedis> StartAsync(int port)
    {
        if (LocalRedisServer.IsInstalled())
        {
            return new DedicatedRedis(await LocalRedisServer.StartAsync(port: port), null, port);
        }

        var container = new RedisBuilder("redis:7.4-alpine").WithPortBinding(port, 6379).Build();
        await container.StartAsync();
        return new DedicatedRedis(null, container, port);
    }

    public async ValueTask DisposeAsync()
    {
        _local?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
