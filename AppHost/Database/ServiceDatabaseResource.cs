namespace Shop.AppHost.Database;

/// <summary>
/// One service's database on the PostgreSQL server, with a user of that service's own: it owns its database and may
/// connect to no other (<see cref="ServiceDatabaseProvisioning"/> creates both). Shown in the dashboard under its
/// server; a service references it by name (<c>ConnectionStrings:orderdb</c>, …).
/// </summary>
internal sealed class ServiceDatabaseResource(string name, string user, ParameterResource password, EndpointReference server, IResource parent)
    : Resource(name), IResourceWithParent, IResourceWithConnectionString
{
    public string User { get; } = user;

    public ParameterResource Password { get; } = password;

    public IResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={server.Property(EndpointProperty.Host)};Port={server.Property(EndpointProperty.Port)};Username={User};Password={Password};Database={Name}");
}
