using System.Globalization;
using StackExchange.Redis;

namespace Shop.Messaging.Events;

/// <summary>
/// A Redis entry id, <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>: when the entry was added, and its place in the stream.
/// Ordered as Redis orders entries (text order is wrong: "9-0" &gt; "10-0").
/// </summary>
internal readonly record struct EntryPosition(long Milliseconds, long Sequence) : IComparable<EntryPosition>
{
    /// <summary>When Redis added the entry (the id's first half).</summary>
    public DateTimeOffset AddedAt => DateTimeOffset.FromUnixTimeMilliseconds(Milliseconds);

    public static EntryPosition? Parse(RedisValue id) => Parse((string?)id);

    public static EntryPosition? Parse(string? id)
    {
        var dash = id?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0
               && long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
               && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? new EntryPosition(milliseconds, sequence)
            : null;
    }

    public int CompareTo(EntryPosition other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(EntryPosition left, EntryPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(EntryPosition left, EntryPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(EntryPosition left, EntryPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EntryPosition left, EntryPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
