namespace Shop.AppHost.Redis;

/// <summary>The Redis the services share, and the partitions every stream has on it (the same for every service).</summary>
internal sealed record ShopRedis(IResourceBuilder<IResourceWithConnectionString> Resource, int Partitions);
