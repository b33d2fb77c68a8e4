using System.Globalization;

namespace Shop.Messaging.Events;

/// <summary>Naming rules for the keys the bus writes: partitions of a stream, and dead-letter streams.</summary>
public static class StreamNames
{
    private const string DeadLetterSuffix = ":dead-letter";

    /// <summary>The stream that receives the entries of <paramref name="key"/> (a stream or one of its partitions) that could not be handled.</summary>
    public static string DeadLetter(string key) => key + DeadLetterSuffix;

    /// <summary>
    /// The key whose dead letters <paramref name="key"/> holds (<c>orders:{2}:dead-letter</c> → <c>orders:{2}</c>), or
    /// null when <paramref name="key"/> is no dead-letter stream.
    /// </summary>
    public static string? DeadLetterSource(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.EndsWith(DeadLetterSuffix, StringComparison.Ordinal) ? key[..^DeadLetterSuffix.Length] : null;
    }

    /// <summary>
    /// The key of partition <paramref name="index"/> of <paramref name="stream"/>: <c>orders:{2}</c>. The braces are a
    /// Redis Cluster hash tag: only <c>2</c> picks the slot, so the partitions of a stream spread over the cluster while
    /// a partition and its dead-letter stream (<c>orders:{2}:dead-letter</c>) share one slot.
    /// </summary>
    public static string Partition(string stream, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{stream}:{{{index}}}");

    /// <summary>
    /// The keys of <paramref name="stream"/> split into <paramref name="partitions"/>: the stream's own name when there
    /// is one partition (what an unpartitioned stream has always been), else <c>stream:{0}</c> … <c>stream:{N-1}</c>.
    /// </summary>
    public static IReadOnlyList<string> Keys(string stream, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return partitions == 1 ? [stream] : [.. Enumerable.Range(0, partitions).Select(index => Partition(stream, index))];
    }

    /// <summary>Splits a key into its stream and partition: <c>orders:{2}</c> is (<c>orders</c>, 2), <c>orders</c> is (<c>orders</c>, null).</summary>
    public static (string Stream, int? Partition) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.EndsWith('}'))
        {
            var open = key.LastIndexOf(":{", StringComparison.Ordinal);
            if (open > 0 && int.TryParse(key.AsSpan(open + 2, key.Length - open - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return (key[..open], index);
            }
        }

        return (key, null);
    }
}
