using System.Buffers.Binary;

namespace Shop.Messaging.Events;

/// <summary>
/// New event ids: UUID version 7 (RFC 9562: a millisecond timestamp, then random bits), so ids sort by creation
/// time and index well in the inbox table.
/// </summary>
/// <remarks>
/// <see cref="Guid.CreateVersion7()"/> takes its random bits from the operating system's cryptographic generator:
/// a system call per id, measured at 1.5 µs on the benchmark machine — more than serializing the event. An event id
/// must be unique, not unguessable, so 74 bits from <see cref="Random.Shared"/> (thread-safe, no system call) beside
/// the timestamp are plenty. Every event the bus deserializes runs this too (the base record's initializer), before
/// the id from the entry replaces it.
/// </remarks>
public static class EventIds
{
    public static Guid NewId() => NewId(DateTimeOffset.UtcNow);

    public static Guid NewId(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        // Big-endian 48-bit timestamp in bytes 0–5 (RFC 9562 layout).
        BinaryPrimitives.WriteUInt64BigEndian(bytes[..8], ((ulong)milliseconds << 16) | ((ulong)bytes[6] << 8) | bytes[7]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
