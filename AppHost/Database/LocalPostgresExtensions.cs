using Microsoft.Extensions.DependencyInjection;

namespace Shop.AppHost.Database;

/// <summary>A PostgreSQL server as a process of the AppHost's, where no Docker engine runs.</summary>
internal static class LocalPostgresExtensions
{
    /// <summary>
    /// PostgreSQL's own <c>postgres</c> (Debian's <c>postgresql</c> package, or any on the PATH) with its cluster in
    /// <c>Shop:DataDirectory</c>/<paramref name="name"/>, created by <c>initdb</c> before its first start; listening on
    /// loopback only, on a port Aspire picks; healthy once its superuser can connect. Run as root, it runs as the
    /// unprivileged <c>postgres</c> user (see <see cref="PostgresBinaries"/>).
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password)
    {
        var binaries = PostgresBinaries.Find() ?? throw new DistributedApplicationException(
            "Database:Mode=Postgres needs Docker or PostgreSQL's server, and found neither a running Docker engine nor initdb and postgres. " +
            "Start Docker, or install PostgreSQL (Debian/Ubuntu: 'sudo apt-get install -y postgresql'; macOS: 'brew install postgresql@17'), " +
            "or use Database:Mode=External with ConnectionStrings:orderdb, inventorydb and notificationdb.");
        var workingDirectory = builder.ShopDataDirectory();
        var dataDirectory = Path.Combine(workingDirectory, name);
        var postgres = Path.Combine(binaries, "postgres");
        var resource = new LocalPostgresResource(name, PostgresBinaries.Command(postgres), workingDirectory, password.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
        {
            if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            {
                var secret = await password.Resource.GetValueAsync(cancellationToken) ?? "";
                await Task.Run(() => PostgresBinaries.InitializeCluster(binaries, dataDirectory, secret), cancellationToken);
            }
        });

        string? adminConnectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            adminConnectionString = await ((IResourceWithConnectionString)resource).GetConnectionStringAsync(cancellationToken));
        var healthCheck = $"{name}_ready";
        builder.Services.AddHealthChecks().AddNpgSql(_ => adminConnectionString ?? throw new InvalidOperationException("PostgreSQL has no address yet."), name: healthCheck);

        return builder.AddResource(resource)
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in PostgresBinaries.Prefix(postgres))
                {
                    context.Args.Add(argument);
                }

                // Relative to the working directory (the data folder): the dashboard shows no machine path.
                context.Args.Add("-D");
                context.Args.Add(name);
                context.Args.Add("-p");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                foreach (var setting in (string[])["listen_addresses=127.0.0.1", "unix_socket_directories="])
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WithHealthCheck(healthCheck);
    }
}
