using System.Globalization;

namespace Shop.Messaging.Consuming;

/// <summary>Redis entry ids are <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>: the first half is when the entry was added.</summary>
internal static class EntryIds
{
    public static bool TryGetTimestamp(string entryId, out DateTimeOffset addedAt)
    {
        var dash = entryId.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && long.TryParse(entryId.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            addedAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            return true;
        }

        addedAt = default;
        return false;
    }
}
