using Microsoft.Extensions.Logging;

namespace Shop.AppHost.Redis;

/// <summary>What the local Redis Cluster resource writes to its console in the dashboard.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1, LogLevel.Information, "The cluster of {Nodes} nodes was formed in an earlier run; nothing to do")]
    public static partial void AlreadyFormed(ILogger logger, int nodes);

    [LoggerMessage(2, LogLevel.Information, "Node 127.0.0.1:{Port} serves slots {First}-{Last}")]
    public static partial void SlotsAssigned(ILogger logger, int port, int first, int last);

    [LoggerMessage(3, LogLevel.Information, "The nodes hold a cluster from an earlier run that is not healthy yet; waiting for it")]
    public static partial void WaitingForEarlierCluster(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Redis Cluster of {Nodes} primaries is up")]
    public static partial void Up(ILogger logger, int nodes);

    [LoggerMessage(5, LogLevel.Error, "The local Redis Cluster could not be formed")]
    public static partial void FormationFailed(ILogger logger, Exception exception);
}
