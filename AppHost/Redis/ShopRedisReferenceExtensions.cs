using System.Globalization;

namespace Shop.AppHost.Redis;

internal static class ShopRedisReferenceExtensions
{
    /// <summary>
    /// The service's <c>ConnectionStrings:redis</c> — as its own ACL user <paramref name="user"/>, allowed the
    /// <paramref name="streams"/> it publishes to or consumes, where the AppHost runs Redis — a start only once Redis is
    /// healthy, and, on a partitioned Redis, <c>Messaging:Partitions</c>: set here, once for all services, because
    /// publishers and consumers must agree on it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithShopRedis(
        this IResourceBuilder<ProjectResource> project, ShopRedis redis, string user, params string[] streams)
    {
        if (redis.Users is { } users)
        {
            // What WithReference would do, with the service's own user instead of the server's default one.
            project.WithEnvironment($"ConnectionStrings__{redis.Resource.Resource.Name}", users.Add(user, streams))
                .WithReferenceRelationship(redis.Resource);
        }
        else
        {
            project.WithReference(redis.Resource);
        }

        project.WaitFor(redis.Resource);
        return redis.Partitions == 1
            ? project
            : project.WithEnvironment("Messaging__Partitions", redis.Partitions.ToString(CultureInfo.InvariantCulture));
    }
}
