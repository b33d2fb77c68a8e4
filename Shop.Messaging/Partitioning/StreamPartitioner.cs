using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;

namespace Shop.Messaging.Partitioning;

/// <summary>
/// Which Redis keys a stream is (<see cref="MessagingOptions.Partitions"/>), and which of them an event goes to: the
/// one its partition key hashes to, so that every event of one order lands in one partition, in the order published.
/// </summary>
internal sealed class StreamPartitioner(IOptions<MessagingOptions> options)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _keys = new(StringComparer.Ordinal);

    /// <summary>Every key of <paramref name="stream"/>; just the stream's name when it has one partition.</summary>
    public IReadOnlyList<string> KeysOf(string stream) =>
        _keys.GetOrAdd(stream, static (name, settings) => StreamNames.Keys(name, settings.PartitionsOf(name)), options.Value);

    /// <summary>The key that an event of <paramref name="stream"/> with <paramref name="partitionKey"/> is added to.</summary>
    public string KeyFor(string stream, string partitionKey)
    {
        var keys = KeysOf(stream);
        return keys.Count == 1 ? keys[0] : keys[PartitionHash.PartitionOf(partitionKey, keys.Count)];
    }
}
