using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Shop.StreamsConsole.Reading;

/// <summary>A stream entry id, <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>: Redis's own time of the XADD.</summary>
internal static partial class EntryId
{
    /// <summary>True for <c>1733212800000-0</c> or <c>1733212800000</c>; anything else is a client's error (400).</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && Shape().IsMatch(id) && TryParts(id, out _);

    /// <summary>True for <c>0-0</c> (or <c>0</c>), the id before every entry: no entry is older.</summary>
    public static bool IsFirstPossible(string id) => Parts(id) == (0UL, 0UL);

    /// <summary>When Redis added the entry, from the id's milliseconds.</summary>
    public static DateTimeOffset Time(string id)
    {
        var milliseconds = Parts(id).Milliseconds;
        return milliseconds <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
            : DateTimeOffset.MaxValue;
    }

    /// <summary>Orders ids as Redis does: by milliseconds, then by sequence (not as text: <c>9-0</c> comes before <c>10-0</c>).</summary>
    public static IComparer<string> Order { get; } = Comparer<string>.Create((left, right) => Parts(left).CompareTo(Parts(right)));

    private static (ulong Milliseconds, ulong Sequence) Parts(string id) =>
        TryParts(id, out var parts) ? parts : throw new FormatException($"'{id}' is not a stream entry id.");

    private static bool TryParts(string id, out (ulong Milliseconds, ulong Sequence) parts)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var sequence = 0UL;
        var valid = ulong.TryParse(dash < 0 ? id : id[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
                    && (dash < 0 || ulong.TryParse(id[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out sequence));
        parts = (milliseconds, sequence);
        return valid;
    }

    // Both parts are unsigned 64-bit numbers: at most 20 digits.
    [GeneratedRegex(@"^\d{1,20}(-\d{1,20})?$")]
    private static partial Regex Shape();
}
