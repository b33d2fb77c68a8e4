namespace Shop.AppHost.Redis;

/// <summary>How the AppHost provides Redis; chosen with the <c>Redis:Mode</c> setting.</summary>
internal enum RedisMode
{
    /// <summary>A container when a Docker engine answers, else a local redis-server process.</summary>
    Auto,

    /// <summary>Aspire's Redis container (needs a Docker engine).</summary>
    Container,

    /// <summary>A <c>redis-server</c> process run by the AppHost, with a data folder of its own.</summary>
    Local,

    /// <summary>
    /// A Redis you run yourself, given as <c>ConnectionStrings:redis</c> (e.g. a managed Redis): one server, or a cluster's
    /// endpoints (add <c>allowAdmin=true</c> for the health check's <c>CLUSTER INFO</c>).
    /// </summary>
    External,

    /// <summary>
    /// A local Redis Cluster of three primaries, each a <c>redis-server</c> process run by the AppHost on fixed ports
    /// (<c>Redis:Cluster:FirstPort</c>, default 7379), and every stream partitioned (<c>Redis:Partitions</c>, default 6).
    /// </summary>
    Cluster,
}
