namespace Shop.AppHost.Database;

/// <summary>
/// A <c>postgres</c> server process as an Aspire resource: what the AppHost runs where no Docker engine is available.
/// It runs in <paramref name="workingDirectory"/>, its cluster in a folder below (see <see cref="LocalPostgresExtensions"/>);
/// the command is <paramref name="command"/> (<c>postgres</c>, or <c>setpriv</c> to run it as an unprivileged user when
/// the AppHost runs as root).
/// </summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    /// <summary>The superuser's name; its password is <see cref="Password"/>.</summary>
    public const string Superuser = "postgres";

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => field ??= new EndpointReference(this, EndpointName);

    /// <summary>The superuser's connection string: the AppHost's own, for health checks and for creating the services' users and databases.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={Superuser};Password={Password}");
}
