namespace Shop.AppHost.Redis;

/// <summary>
/// A <c>redis-server</c> process as an Aspire resource: what the AppHost runs where no Docker engine is available.
/// It offers a connection string like any Redis resource, so services reference it with <c>WithReference</c>.
/// </summary>
internal sealed class LocalRedisResource(string name, string dataDirectory)
    : ExecutableResource(name, "redis-server", dataDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public string DataDirectory { get; } = dataDirectory;

    public EndpointReference PrimaryEndpoint => field ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
