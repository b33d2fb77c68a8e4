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
/// A crash between them only dead-letters the entry twice (same <c>originalId</c>), never loses it. An entry over
/// <see cref="MessagingOptions.MaxEntryBytes"/> is not copied whole — that would write the oversized payload a second
/// time, per group: its dead letter keeps the small fields (id, type, time, source, trace) and names what it left out.
/// </summary>
internal sealed class DeadLetterWriter(
    IConnectionMultiplexer redis,
    IOptions<MessagingOptions> options,
    ConsumerIdentity identity,
    MessagingMetrics metrics,
    ILogger<DeadLetterWriter> logger)
{
    /// <summary>Of an oversized entry, the fields kept in its dead letter: the envelope's, never the payload.</summary>
    private const int MaxFieldBytesOfOversizedEntry = 1024;

    /// <summary>True when the entry is dead-lettered and may be acknowledged; false when Redis refused (it stays pending).</summary>
    public async Task<bool> TryWriteAsync(string key, Delivery delivery, string reason)
    {
        try
        {
            await WriteAsync(key, delivery, reason).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // Not dead-lettered, so not acknowledged either: the entry stays pending and is tried again later.
            MessagingLog.DeadLetterFailed(logger, exception, key, delivery.EntryId);
            return false;
        }

        metrics.DeadLettered(key, identity.Group);
        MessagingLog.DeadLettered(logger, key, delivery.EntryId, delivery.DeliveryCount, reason);
        return true;
    }

    private Task WriteAsync(string key, Delivery delivery, string reason)
    {
        var (copied, omitted) = Copyable(delivery.Entry.Values ?? [], options.Value.MaxEntryBytes);
        NameValueEntry[] fields =
        [
            .. copied,
            new(EntryFields.Group, identity.Group),
            new(EntryFields.Consumer, identity.Consumer),
            new(EntryFields.Deliveries, delivery.DeliveryCount.ToString(CultureInfo.InvariantCulture)),
            new(EntryFields.Error, reason),
            new(EntryFields.OriginalId, delivery.Entry.Id),
            .. omitted is null ? [] : new NameValueEntry[] { new(EntryFields.Omitted, omitted) },
        ];
        return redis.GetDatabase().StreamAddAsync(
            StreamNames.DeadLetter(key),
            fields,
            messageId: null,
            maxLength: options.Value.StreamMaxLength,
            useApproximateMaxLength: true);
    }

    /// <summary>
    /// Every field of an entry within <paramref name="maxEntryBytes"/>; of a larger one, the fields of at most
    /// <see cref="MaxFieldBytesOfOversizedEntry"/> each, and the others' names and sizes.
    /// </summary>
    private static (IReadOnlyList<NameValueEntry> Copied, string? Omitted) Copyable(NameValueEntry[] fields, int maxEntryBytes)
    {
        if (fields.Sum(EntrySize.Of) <= maxEntryBytes)
        {
            return (fields, null);
        }

        var small = fields.ToLookup(field => EntrySize.Of(field) <= MaxFieldBytesOfOversizedEntry);
        var left = small[false].Select(field => string.Create(CultureInfo.InvariantCulture, $"{Shorten(field.Name)} ({field.Value.Length()} bytes)"));
        return ([.. small[true]], string.Join(", ", left));
    }

    /// <summary>A field name as the <c>omitted</c> list shows it: a hostile entry's names can be huge too.</summary>
    private static string Shorten(RedisValue name) =>
        name.Length() <= 64 ? (string)name! : $"{((string)name!)[..64]}…";
}
