using System.Globalization;

namespace Shop.AppHost.Redis;

internal static class ShopRedisReferenceExtensions
{
    /// <summary>
    /// The service's <c>ConnectionStrings:redis</c> — as its own ACL user <paramref name="user"/>, where the AppHost runs
    /// Redis, allowed to publish to <paramref name="publishes"/> and to read <paramref name="consumes"/> through its
    /// consumer group, nothing else — and, on a partitioned Redis,
    /// <c>Messaging:Partitions</c>: set here, once for all services, because publishers and consumers must agree on it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithShopRedis(
        this IResourceBuilder<ProjectResource> project, ShopRedis redis, string user, string[] publishes, string[] consumes)
    {
        project.WithRedisUser(redis, users => users.AddService(user, publishes, consumes));
        return redis.Partitions == 1
            ? project
            : project.WithEnvironment("Messaging__Partitions", redis.Partitions.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What <c>WithReference(redis)</c> does, with a user of the project's own (made by <paramref name="addUser"/>) instead of
    /// the server's default one — where the AppHost runs Redis; with <c>External</c> Redis, the connection string is yours.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedisUser(
        this IResourceBuilder<ProjectResource> project, ShopRedis redis, Func<ServiceUsers, ReferenceExpression> addUser) =>
        redis.Users is { } users
            ? project.WithEnvironment($"ConnectionStrings__{redis.Resource.Resource.Name}", addUser(users)).WithReferenceRelationship(redis.Resource)
            : project.WithReference(redis.Resource);
}
