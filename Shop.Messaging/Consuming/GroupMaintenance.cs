using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Functions;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>The small chores of a consumer: keep its claims fresh, report pending and lag, remove idle consumers.</summary>
internal sealed class GroupMaintenance(
    string key,
    IConnectionMultiplexer redis,
    ConsumerIdentity identity,
    MessagingOptions options,
    EntriesInHand inHand,
    GroupStatistics statistics,
    ILogger logger)
{
    private bool _functionReportedMissing;

    /// <summary>
    /// XCLAIM … JUSTID with min-idle 0 resets the idle time of the entries this consumer is still working on without
    /// counting a delivery, so XAUTOCLAIM elsewhere does not take a slow handler's entry and run it a second time.
    /// </summary>
    public async Task RefreshClaimsAsync()
    {
        var ids = inHand.Snapshot();
        if (ids.Length > 0)
        {
            await redis.GetDatabase().StreamClaimIdsOnlyAsync(key, identity.Group, identity.Consumer, 0, ids).ConfigureAwait(false);
        }
    }

    public async Task ReportStatisticsAsync()
    {
        var groups = await redis.GetDatabase().StreamGroupInfoAsync(key).ConfigureAwait(false);
        foreach (var group in groups)
        {
            if (group.Name == identity.Group)
            {
                statistics.Update(key, group.Name, group.PendingMessageCount, group.Lag);
            }
        }
    }

    /// <summary>
    /// Removes the group's idle consumers that own nothing pending, with the Redis function an administrator loaded
    /// (<see cref="MessagingFunctions"/>): the check and the delete must be one atomic step, and a service's user may run
    /// no script of its own. Where the function is missing (a Redis nobody loaded it on), the clean-up is skipped with a
    /// warning: idle consumers only clutter <c>XINFO CONSUMERS</c>, they hold nothing.
    /// </summary>
    public async Task RemoveIdleConsumersAsync()
    {
        RedisResult removed;
        try
        {
            removed = await redis.GetDatabase().ExecuteAsync("FCALL",
                MessagingFunctions.RemoveIdleConsumers, 1, (RedisKey)key,
                identity.Group, identity.Consumer, (long)options.ConsumerIdleTimeout.TotalMilliseconds).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.Contains("Function not found", StringComparison.OrdinalIgnoreCase))
        {
            if (!_functionReportedMissing)
            {
                _functionReportedMissing = true;
                MessagingLog.FunctionMissing(logger, MessagingFunctions.RemoveIdleConsumers, MessagingFunctions.Library, key);
            }

            return;
        }

        foreach (var name in (string[])removed!)
        {
            MessagingLog.IdleConsumerRemoved(logger, key, identity.Group, name);
        }
    }
}
