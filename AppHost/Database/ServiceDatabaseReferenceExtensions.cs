namespace Shop.AppHost.Database;

internal static class ServiceDatabaseReferenceExtensions
{
    /// <summary>The service's <c>ConnectionStrings:{name}</c>: the SQLite file's path, or the database resource's connection string.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> project, ServiceDatabase database) =>
        database.Resource is { } resource
            ? project.WithReference(resource)
            : project.WithEnvironment($"ConnectionStrings__{database.Name}", database.SqliteConnectionString!);

    /// <summary>Starts the service once its database is ready: the AppHost's PostgreSQL database; a SQLite file needs no wait.</summary>
    public static IResourceBuilder<ProjectResource> WaitFor(this IResourceBuilder<ProjectResource> project, ServiceDatabase database) =>
        database.ReadyWhen is { } ready ? project.WaitFor(ready) : project;
}
