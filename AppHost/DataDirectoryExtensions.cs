namespace Shop.AppHost;

/// <summary>Where the app's state lives on disk: Redis's AOF, the services' SQLite files, the local PostgreSQL's cluster.</summary>
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
}
