using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.AppHost.Redis;

/// <summary>Adds the Redis that Shop's streams live in, in the mode that fits the machine.</summary>
internal static class RedisResourceExtensions
{
    /// <summary>
    /// <c>Redis:Mode</c> = <c>Auto</c> (default), <c>Container</c>, <c>Local</c>, <c>External</c> or <c>Cluster</c>; see
    /// <see cref="RedisMode"/>. <c>Redis:Partitions</c> partitions every stream (default 1, and 6 on the local cluster).
    /// </summary>
    public static ShopRedis AddShopRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var mode = builder.Configuration.GetValue("Redis:Mode", RedisMode.Auto);
        if (mode == RedisMode.Auto)
        {
            mode = DockerEngine.Answers ? RedisMode.Container
                : LocalRedisExecutable() is not null ? RedisMode.Local
                : throw new DistributedApplicationException(
                    "Shop needs Redis and found neither a running Docker engine nor redis-server. Start Docker, or install " +
                    "redis-server (Debian/Ubuntu: 'sudo apt-get install -y redis-server'; macOS: 'brew install redis'), " +
                    "or set Redis:Mode=External with ConnectionStrings:redis.");
        }

        // A password in every mode we run ourselves: generated once, kept in the AppHost's user secrets, never committed.
        var password = mode == RedisMode.External ? null
            : builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var partitions = builder.Configuration.GetValue("Redis:Partitions", mode == RedisMode.Cluster ? 6 : 1);
        if (partitions is < 1 or > 1024)
        {
            throw new DistributedApplicationException($"Redis:Partitions must be between 1 and 1024, not {partitions}.");
        }

        return mode switch
        {
            RedisMode.Container => builder.AddContainerRedis(name, password!, partitions),
            RedisMode.Local => builder.AddLocalRedis(name, password!, partitions),
            RedisMode.External => new ShopRedis(builder.AddConnectionString(name), partitions, Users: null),
            RedisMode.Cluster => builder.AddLocalRedisCluster(name, password!, partitions),
            _ => throw new DistributedApplicationException($"Unknown Redis:Mode '{mode}'."),
        };
    }

    /// <summary>
    /// Aspire's Redis container with a data volume, a snapshot every second that any key changed (Aspire's persistence
    /// helper writes RDB snapshots), and Redis Insight beside it to browse the streams (<c>Redis:Insight</c>, default
    /// true; false where its image cannot be pulled).
    /// </summary>
    private static ShopRedis AddContainerRedis(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, int partitions)
    {
        var redis = builder.AddRedis(name, password: password)
            .WithDataVolume()
            .WithPersistence(TimeSpan.FromSeconds(1), keysChangedThreshold: 1)
            .WithoutDevelopmentCertificate();
        if (builder.Configuration.GetValue("Redis:Insight", true))
        {
            redis.WithRedisInsight();
        }

        var users = new ServiceUsers(builder, name, (user, userPassword) => SingleServerConnectionString(redis.Resource.PrimaryEndpoint, user, userPassword));
        // Aspire joins the container's arguments into one `/bin/sh -c "redis-server …"`: the rules are quoted for the shell.
        var limits = RedisLimits.Arguments(builder.Configuration).ToList();
        redis.WithArgs(async context =>
            {
                limits.ForEach(context.Args.Add);
                await users.AddArgumentsAsync(context.Args, forShell: true, context.CancellationToken);
            })
            .WithHealthCheck(builder.AddFunctionsCheck(name, async cancellationToken => await redis.Resource.GetConnectionStringAsync(cancellationToken)));
        return new ShopRedis(redis, partitions, users);
    }

    private static ShopRedis AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, int partitions)
    {
        var dataDirectory = Path.Combine(builder.ShopDataDirectory(), name);
        Directory.CreateDirectory(dataDirectory);
        var resource = new LocalRedisResource(name, dataDirectory, password.Resource);
        var limits = RedisLimits.Arguments(builder.Configuration).ToList();

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await ((IResourceWithConnectionString)resource).GetConnectionStringAsync(cancellationToken));
        var healthCheck = $"{name}_ping";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Redis has no address yet."), name: healthCheck);

        var users = new ServiceUsers(builder, name, (user, userPassword) => SingleServerConnectionString(resource.PrimaryEndpoint, user, userPassword));
        var redis = builder.AddResource(resource)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp")
            .WithArgs(async context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                // No --dir: the process runs in its data folder, Redis's default "./", and the dashboard shows no machine path.
                // Durable like production: the stream survives a restart of the AppHost.
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
                context.Args.Add("--requirepass");
                context.Args.Add(resource.Password);
                limits.ForEach(context.Args.Add);
                await users.AddArgumentsAsync(context.Args, forShell: false, context.CancellationToken);
            })
            .WithHealthCheck(healthCheck)
            .WithHealthCheck(builder.AddFunctionsCheck(name, _ => Task.FromResult(connectionString)));
        return new ShopRedis(redis, partitions, users);
    }

    /// <summary>
    /// Three cluster-enabled redis-server nodes on fixed ports (a cluster's nodes tell clients each other's addresses,
    /// so the ports must not change between runs, nor go through a proxy) and the cluster resource over them, which
    /// forms the cluster once every node runs and is healthy once every node says <c>cluster_state:ok</c>.
    /// </summary>
    private static ShopRedis AddLocalRedisCluster(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, int partitions)
    {
        var firstPort = builder.Configuration.GetValue("Redis:Cluster:FirstPort", 7379);
        if (firstPort is < 1024 or > 55532)
        {
            throw new DistributedApplicationException($"Redis:Cluster:FirstPort must be between 1024 and 55532 (its bus port is 10000 higher), not {firstPort}.");
        }

        var ports = Enumerable.Range(firstPort, 3).ToArray();
        var cluster = new LocalRedisClusterResource(name, ports, password.Resource);
        var clusterDirectory = Path.Combine(builder.ShopDataDirectory(), $"{name}-cluster");
        var users = new ServiceUsers(builder, name, cluster.ConnectionStringFor);
        var limits = RedisLimits.Arguments(builder.Configuration).ToList();
        var nodes = ports.Select((port, index) => builder.AddLocalRedisClusterNode($"{name}-node-{index}", port, clusterDirectory, password, cluster, users, limits)).ToArray();

        string? healthConnectionString = null;
        var healthCheck = $"{name}_cluster_state";
        // Aspire's Redis check on a cluster: CLUSTER INFO on every node, healthy when each says cluster_state:ok.
        builder.Services.AddHealthChecks().AddRedis(_ => healthConnectionString ?? throw new InvalidOperationException("The cluster is not formed yet."), name: healthCheck);

        builder.Eventing.Subscribe<InitializeResourceEvent>(cluster, (initialize, cancellationToken) =>
        {
            var logger = initialize.Logger;
            var notifications = initialize.Notifications;
            // A background task, as Aspire asks of custom resources: the nodes start only after this handler returns.
            _ = Task.Run(async () =>
            {
                try
                {
                    await notifications.PublishUpdateAsync(cluster, state => state with { State = KnownResourceStates.Starting });
                    foreach (var node in nodes)
                    {
                        await notifications.WaitForResourceAsync(node.Resource.Name, KnownResourceStates.Running, cancellationToken);
                    }

                    var secret = await password.Resource.GetValueAsync(cancellationToken) ?? "";
                    await ClusterFormation.FormAsync(ports, secret, logger, cancellationToken);
                    healthConnectionString = await ((IResourceWithConnectionString)cluster).GetConnectionStringAsync(cancellationToken);
                    await notifications.PublishUpdateAsync(cluster, state => state with
                    {
                        State = KnownResourceStates.Running,
                        StartTimeStamp = DateTime.UtcNow,
                    });
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    ClusterLog.FormationFailed(logger, exception);
                    await notifications.PublishUpdateAsync(cluster, state => state with { State = KnownResourceStates.FailedToStart });
                }
            }, cancellationToken);
            return Task.CompletedTask;
        });

        var redis = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisCluster",
                State = KnownResourceStates.NotStarted,
                Properties = [],
            })
            .WithHealthCheck(healthCheck)
            .WithHealthCheck(builder.AddFunctionsCheck(name, _ => Task.FromResult(healthConnectionString)));
        return new ShopRedis(redis, partitions, users);
    }

    /// <summary>
    /// The privileged step of every Redis the AppHost runs: the bus's functions loaded as the default user before Redis
    /// counts as healthy (<see cref="RedisFunctionsHealthCheck"/>). Returns the check's name.
    /// </summary>
    private static string AddFunctionsCheck(
        this IDistributedApplicationBuilder builder, string name, Func<CancellationToken, Task<string?>> connectionString)
    {
        var check = new RedisFunctionsHealthCheck(connectionString);
        var checkName = $"{name}_functions";
        // One instance for the app's life: it keeps its admin connection between checks.
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(checkName, _ => check, failureStatus: null, tags: null));
        return checkName;
    }

    private static IResourceBuilder<ExecutableResource> AddLocalRedisClusterNode(
        this IDistributedApplicationBuilder builder, string name, int port, string clusterDirectory,
        IResourceBuilder<ParameterResource> password, LocalRedisClusterResource cluster, ServiceUsers users, IReadOnlyList<string> limits)
    {
        var dataDirectory = Path.Combine(clusterDirectory, port.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dataDirectory);
        return builder.AddExecutable(name, "redis-server", dataDirectory)
            .WithEndpoint(name: "tcp", scheme: "tcp", port: port, targetPort: port, isProxied: false)
            .WithArgs(async context =>
            {
                object[] arguments =
                [
                    "--port", port.ToString(CultureInfo.InvariantCulture),
                    "--bind", "127.0.0.1",
                    "--appendonly", "yes",
                    "--cluster-enabled", "yes",
                    // The node's view of the cluster (ids, slots, peers): what makes the next run find it again.
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000",
                    "--requirepass", password.Resource,
                    "--masterauth", password.Resource,
                    .. limits,
                ];
                foreach (var argument in arguments)
                {
                    context.Args.Add(argument);
                }

                // ACL users are a node's own: every node learns all of them.
                await users.AddArgumentsAsync(context.Args, forShell: false, context.CancellationToken);
            })
            .WithParentRelationship(cluster);
    }

    private static ReferenceExpression SingleServerConnectionString(EndpointReference endpoint, string user, ParameterResource password)
    {
        var expression = new ReferenceExpressionBuilder();
        expression.AppendFormatted(endpoint.Property(EndpointProperty.HostAndPort));
        expression.AppendLiteral($",user={user},password=");
        expression.AppendFormatted(password);
        return expression.Build();
    }

    private static string? LocalRedisExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server"))
        .FirstOrDefault(File.Exists);
}
