using System.Globalization;

namespace Shop.AppHost.Redis;

internal static class ShopRedisReferenceExtensions
{
    /// <summary>
    /// The service's <c>ConnectionStrings:redis</c>, a start only once Redis is healthy, and — on a partitioned Redis —
    /// <c>Messaging:Partitions</c>: set here, once for all services, because publishers and consumers must agree on it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithShopRedis(this IResourceBuilder<ProjectResource> project, ShopRedis redis)
    {
        project.WithReference(redis.Resource).WaitFor(redis.Resource);
        return redis.Partitions == 1
            ? project
            : project.WithEnvironment("Messaging__Partitions", redis.Partitions.ToString(CultureInfo.InvariantCulture));
    }
}
