using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.AppHost.Database;

/// <summary>
/// The services' databases in the mode <c>Database:Mode</c> chooses (see <see cref="DatabaseMode"/>): a SQLite file per
/// service, or a database and a user per service on one PostgreSQL server (the AppHost's, or yours).
/// </summary>
internal sealed class ShopDatabases
{
    private readonly IDistributedApplicationBuilder _builder;
    private readonly PostgresServer? _server;

    private ShopDatabases(IDistributedApplicationBuilder builder, DatabaseMode mode, PostgresServer? server)
    {
        _builder = builder;
        Mode = mode;
        _server = server;
    }

    public DatabaseMode Mode { get; }

    /// <summary>
    /// Instances per service: two on PostgreSQL, where instances share their database over the network as they would
    /// on separate machines; one on SQLite, whose file only the processes of this machine can share.
    /// </summary>
    public int InstancesPerService => Mode == DatabaseMode.Sqlite ? 1 : 2;

    public static ShopDatabases Add(IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue("Database:Mode", DatabaseMode.Sqlite);
        return mode switch
        {
            DatabaseMode.Sqlite or DatabaseMode.External => new ShopDatabases(builder, mode, server: null),
            DatabaseMode.Postgres => new ShopDatabases(builder, mode, PostgresServer.Add(builder, "postgres")),
            _ => throw new DistributedApplicationException($"Unknown Database:Mode '{mode}'."),
        };
    }

    /// <summary>
    /// The database <paramref name="name"/> of one service: a SQLite file in the data folder; on the AppHost's PostgreSQL,
    /// a database owned by <paramref name="user"/>, shown under the server in the dashboard; with <c>External</c>, your
    /// connection string of that name. A service takes it with <c>WithReference(database)</c> and <c>WaitFor(database)</c>.
    /// </summary>
    public ServiceDatabase Add(string name, string user)
    {
        switch (Mode)
        {
            case DatabaseMode.Sqlite:
                return new ServiceDatabase { Name = name, SqliteConnectionString = $"Data Source={Path.Combine(_builder.ShopDataDirectory(), name + ".db")}" };
            case DatabaseMode.External:
                return new ServiceDatabase { Name = name, Resource = _builder.AddConnectionString(name) };
            default:
                var database = _server!.AddDatabase(name, user);
                return new ServiceDatabase { Name = name, Resource = database, ReadyWhen = database };
        }
    }

    /// <summary>The AppHost's PostgreSQL server: a container where Docker runs, else a local <c>postgres</c> process.</summary>
    private sealed class PostgresServer
    {
        private readonly IDistributedApplicationBuilder _builder;
        private readonly IResourceBuilder<IResourceWithConnectionString> _server;
        private readonly EndpointReference _endpoint;
        private string? _adminConnectionString;

        private PostgresServer(IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> server, EndpointReference endpoint)
        {
            _builder = builder;
            _server = server;
            _endpoint = endpoint;
            builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server.Resource, async (_, cancellationToken) =>
                _adminConnectionString = await server.Resource.GetConnectionStringAsync(cancellationToken));
        }

        /// <summary><c>Database:Server</c> = <c>Auto</c> (default), <c>Container</c> or <c>Local</c>.</summary>
        public static PostgresServer Add(IDistributedApplicationBuilder builder, string name)
        {
            // The superuser's password: generated once, kept in the AppHost's user secrets, never committed.
            var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
            var where = builder.Configuration.GetValue("Database:Server", "Auto");
            var container = where switch
            {
                "Container" => true,
                "Local" => false,
                "Auto" => DockerEngine.Answers,
                _ => throw new DistributedApplicationException($"Database:Server must be Auto, Container or Local, not '{where}'."),
            };
            if (container)
            {
                // Aspire's PostgreSQL container, its data in a volume that outlives the AppHost.
                var postgres = builder.AddPostgres(name, password: password).WithDataVolume();
                return new PostgresServer(builder, postgres, postgres.Resource.PrimaryEndpoint);
            }

            var local = builder.AddLocalPostgres(name, password);
            return new PostgresServer(builder, local, local.Resource.PrimaryEndpoint);
        }

        /// <summary>A database of <paramref name="user"/>'s own on this server, shown under it in the dashboard.</summary>
        public IResourceBuilder<ServiceDatabaseResource> AddDatabase(string name, string user)
        {
            var password = _builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
            var database = new ServiceDatabaseResource(name, user, password.Resource, _endpoint, _server.Resource);
            var provisioning = new ServiceDatabaseProvisioning(_ => Task.FromResult(_adminConnectionString), database);
            var check = $"{name}_provisioned";
            _builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(check, _ => provisioning, failureStatus: null, tags: null));
            // Running once its server is ready; healthy once its user and database exist.
            _builder.Eventing.Subscribe<ResourceReadyEvent>(_server.Resource, async (ready, _) =>
                await ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                }));
            return _builder.AddResource(database)
                .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
                .WithHealthCheck(check);
        }
    }
}
