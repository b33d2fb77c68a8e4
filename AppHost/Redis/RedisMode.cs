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

    /// <summary>A Redis you run yourself, given as <c>ConnectionStrings:redis</c> (e.g. a managed Redis).</summary>
    External,
}
