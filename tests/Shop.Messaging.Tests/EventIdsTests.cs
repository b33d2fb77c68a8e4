using Shop.Messaging.Events;

namespace Shop.Messaging.Tests;

public sealed class EventIdsTests
{
    [Fact]
    public void New_id_is_a_version_7_uuid_carrying_its_millisecond_timestamp()
    {
        var at = DateTimeOffset.Parse("2026-11-27T08:30:00.123Z", System.Globalization.CultureInfo.InvariantCulture);

        var id = EventIds.NewId(at);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2); // RFC 9562 variant: the two high bits 10
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(at.ToUnixTimeMilliseconds(), milliseconds);
    }

    [Fact]
    public void Ids_are_unique_and_sort_by_creation_time()
    {
        var earlier = DateTimeOffset.UnixEpoch.AddYears(56);
        var ids = Enumerable.Range(0, 100_000).Select(_ => EventIds.NewId(earlier)).ToHashSet();
        var later = EventIds.NewId(earlier.AddMilliseconds(1));

        Assert.Equal(100_000, ids.Count);
        // The text form is the big-endian bytes in hex, so ordinal text order is timestamp order.
        Assert.All(ids, id => Assert.True(string.CompareOrdinal(id.ToString(), later.ToString()) < 0));
    }
}
