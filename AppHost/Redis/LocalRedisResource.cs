namespace Shop.AppHost.Redis;

/// <summary>
/// A <c>redis-server</c> process as an Aspire resource: what the AppHost runs where no Docker engine is available.
/// It offers a connection string like any Redis resource, so services reference it with <c>WithReference</c>. It runs
/// in <paramref name="dataDirectory"/>, where Redis keeps its AOF (its default <c>dir</c> is the working directory).
/// </summary>
internal sealed class LocalRedisResource(string name, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, "redis-server", dataDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    /// <summary>The <c>requirepass</c> of the server: a generated secret, kept in the AppHost's user secrets.</summary>
    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => field ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}");
}
