using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.AppHost.Redis;

/// <summary>Adds the Redis that Shop's streams live in, in the mode that fits the machine.</summary>
internal static class RedisResourceExtensions
{
    /// <summary>
    /// <c>Redis:Mode</c> = <c>Auto</c> (default), <c>Container</c>, <c>Local</c> or <c>External</c>; see <see cref="RedisMode"/>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddShopRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var mode = builder.Configuration.GetValue("Redis:Mode", RedisMode.Auto);
        if (mode == RedisMode.Auto)
        {
            mode = DockerEngineAnswers() ? RedisMode.Container
                : LocalRedisExecutable() is not null ? RedisMode.Local
                : throw new DistributedApplicationException(
                    "Shop needs Redis and found neither a running Docker engine nor redis-server. Start Docker, or install " +
                    "redis-server (Debian/Ubuntu: 'sudo apt-get install -y redis-server'; macOS: 'brew install redis'), " +
                    "or set Redis:Mode=External with ConnectionStrings:redis.");
        }

        // A password in every mode we run ourselves: generated once, kept in the AppHost's user secrets, never committed.
        var password = mode == RedisMode.External ? null
            : builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        return mode switch
        {
            // A data volume with a snapshot every second that any key changed (Aspire's persistence helper writes
            // RDB snapshots), and Redis Insight beside it to browse the streams.
            RedisMode.Container => builder.AddRedis(name, password: password)
                .WithDataVolume()
                .WithPersistence(TimeSpan.FromSeconds(1), keysChangedThreshold: 1)
                .WithRedisInsight(),
            RedisMode.Local => builder.AddLocalRedis(name, password!),
            RedisMode.External => builder.AddConnectionString(name),
            _ => throw new DistributedApplicationException($"Unknown Redis:Mode '{mode}'."),
        };
    }

    private static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password)
    {
        var dataDirectory = Path.Combine(builder.ShopDataDirectory(), name);
        Directory.CreateDirectory(dataDirectory);
        var resource = new LocalRedisResource(name, dataDirectory, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await ((IResourceWithConnectionString)resource).GetConnectionStringAsync(cancellationToken));
        var healthCheck = $"{name}_ping";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Redis has no address yet."), name: healthCheck);

        return builder.AddResource(resource)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--dir");
                context.Args.Add(resource.DataDirectory);
                // Durable like production: the stream survives a restart of the AppHost.
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
                context.Args.Add("--requirepass");
                context.Args.Add(resource.Password);
            })
            .WithHealthCheck(healthCheck);
    }

    private static bool DockerEngineAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (docker is null)
            {
                return false;
            }

            if (!docker.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                docker.Kill();
                return false;
            }

            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No docker client on the PATH.
            return false;
        }
    }

    private static string? LocalRedisExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server"))
        .FirstOrDefault(File.Exists);
}
