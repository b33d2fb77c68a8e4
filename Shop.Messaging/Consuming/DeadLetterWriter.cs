using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Copies an entry that cannot be handled to <c>&lt;stream&gt;:dead-letter</c> with the reason. The caller acknowledges
/// the original afterwards: two commands on two keys, never one transaction, so the same code runs on Redis Cluster.
/// A crash between them only dead-letters the entry twice (same <c>originalId</c>), never loses it.
/// </summary>
internal sealed class DeadLetterWriter(
    IConnectionMultiplexer redis,
    IOptions<MessagingOptions> options,
    ConsumerIdentity identity,
    MessagingMetrics metrics,
    ILogger<DeadLetterWriter> logger)
{
    /// <summary>True when the entry is dead-lettered and may be acknowledged; false when Redis refused (it stays pending).</summary>
    public async Task<bool> TryWriteAsync(string stream, Delivery delivery, string reason)
    {
        try
        {
            await WriteAsync(stream, delivery, reason).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // Not dead-lettered, so not acknowledged either: the entry stays pending and is tried again later.
            MessagingLog.DeadLetterFailed(logger, exception, stream, delivery.EntryId);
            return false;
        }

        metrics.DeadLettered(stream, identity.Group);
        MessagingLog.DeadLettered(logger, stream, delivery.EntryId, delivery.DeliveryCount, reason);
        return true;
    }

    private Task WriteAsync(string stream, Delivery delivery, string reason)
    {
        var original = delivery.Entry.Values ?? [];
        var fields = new NameValueEntry[original.Length + 5];
        original.CopyTo(fields, 0);
        var extra = original.Length;
        fields[extra] = new(EntryFields.Group, identity.Group);
        fields[extra + 1] = new(EntryFields.Consumer, identity.Consumer);
        fields[extra + 2] = new(EntryFields.Deliveries, delivery.DeliveryCount.ToString(CultureInfo.InvariantCulture));
        fields[extra + 3] = new(EntryFields.Error, reason);
        fields[extra + 4] = new(EntryFields.OriginalId, delivery.Entry.Id);
        return redis.GetDatabase().StreamAddAsync(
            StreamNames.DeadLetter(stream),
            fields,
            messageId: null,
            maxLength: options.Value.StreamMaxLength,
            useApproximateMaxLength: true);
    }
}
