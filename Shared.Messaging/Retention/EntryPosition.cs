using System.Globalization;
using StackExchange.Redis;

namespace Shop.Messaging.Retention;

/// <summary>An entry id <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>, ordered as Redis orders them (text order is wrong: "9-0" &gt; "10-0").</summary>
internal readonly record struct EntryPosition(long Milliseconds, long Sequence) : IComparable<EntryPosition>
{
    public static EntryPosition? Parse(RedisValue id)
    {
        var text = (string?)id;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0
               && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
               && long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
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
