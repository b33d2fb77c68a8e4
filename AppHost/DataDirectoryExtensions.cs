namespace Shop.AppHost;

/// <summary>Where the app's state lives on disk: Redis's AOF and the services' SQLite files.</summary>
internal static class DataDirectoryExtensions
{
    /// <summary><c>Shop:DataDirectory</c>, else <c>AppHost/.data</c>; created if missing.</summary>
    public static string ShopDataDirectory(this IDistributedApplicationBuilder builder)
    {
        var directory = builder.Configuration["Shop:DataDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, ".data");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Points the service's <c>ConnectionStrings:{name}</c> at <c>{name}.db</c> in the data folder.</summary>
    public static IResourceBuilder<ProjectResource> WithSqlite(this IResourceBuilder<ProjectResource> project, string name, string dataDirectory) =>
        project.WithEnvironment($"ConnectionStrings__{name}", $"Data Source={Path.Combine(dataDirectory, name + ".db")}");
}
