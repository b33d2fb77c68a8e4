using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>The small chores of a consumer: keep its claims fresh, report pending and lag, remove idle consumers.</summary>
internal sealed class GroupMaintenance(
    string stream,
    IConnectionMultiplexer redis,
    ConsumerIdentity identity,
    MessagingOptions options,
    EntriesInHand inHand,
    GroupStatistics statistics,
    ILogger logger)
{
    // Deletes the group's consumers that are idle and own no pending entry, in one atomic script on one key (so
    // it is cluster-safe). Checking and deleting in two commands could delete a consumer that received entries in
    // between, and XGROUP DELCONSUMER drops a consumer's pending entries for good.
    private const string RemoveIdleConsumersScript = """
        local removed = {}
        for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
          local fields = {}
          for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
          if fields['name'] ~= ARGV[2] and fields['pending'] == 0 and fields['idle'] >= tonumber(ARGV[3]) then
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
            table.insert(removed, fields['name'])
          end
        end
        return removed
        """;

    /// <summary>
    /// XCLAIM … JUSTID with min-idle 0 resets the idle time of the entries this consumer is still working on without
    /// counting a delivery, so XAUTOCLAIM elsewhere does not take a slow handler's entry and run it a second time.
    /// </summary>
    public async Task RefreshClaimsAsync()
    {
        var ids = inHand.Snapshot();
        if (ids.Length > 0)
        {
            await redis.GetDatabase().StreamClaimIdsOnlyAsync(stream, identity.Group, identity.Consumer, 0, ids).ConfigureAwait(false);
        }
    }

    public async Task ReportStatisticsAsync()
    {
        var groups = await redis.GetDatabase().StreamGroupInfoAsync(stream).ConfigureAwait(false);
        foreach (var group in groups)
        {
            if (group.Name == identity.Group)
            {
                statistics.Update(stream, group.Name, group.PendingMessageCount, group.Lag);
            }
        }
    }

    public async Task RemoveIdleConsumersAsync()
    {
        var removed = await redis.GetDatabase().ScriptEvaluateAsync(
            RemoveIdleConsumersScript,
            [stream],
            [identity.Group, identity.Consumer, (long)options.ConsumerIdleTimeout.TotalMilliseconds]).ConfigureAwait(false);
        foreach (var name in (string[])removed!)
        {
            MessagingLog.IdleConsumerRemoved(logger, stream, identity.Group, name);
        }
    }
}
