namespace Shop.AppHost.Redis;

/// <summary>
/// The Redis the services share, the partitions every stream has on it (the same for every service), and the services'
/// ACL users on it — null where the AppHost does not run Redis itself (<c>External</c>: the connection string is yours).
/// </summary>
internal sealed record ShopRedis(IResourceBuilder<IResourceWithConnectionString> Resource, int Partitions, ServiceUsers? Users);
