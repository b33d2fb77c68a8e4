using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>The contract's fields of an entry, checked. An entry that fails the check is dead-lettered at once.</summary>
/// <remarks>
/// Field names are compared as bytes and <see cref="Data"/> stays UTF-8 bytes for the JSON reader: on the hot
/// path of every delivery, no field is turned into a string it does not need to be.
/// </remarks>
internal sealed record EntryEnvelope(
    Guid EventId,
    string TypeName,
    int Version,
    ReadOnlyMemory<byte> Data,
    DateTimeOffset OccurredAt,
    string? Source,
    string? TraceParent,
    string? TraceState)
{
    public static EntryEnvelope? TryParse(StreamEntry entry, int maxEntryBytes, out string? error)
    {
        var (id, type, version, data, occurredAt, source, traceParent, traceState, size) = ContractFields.Of(entry);

        // Nothing has been copied yet (the values are slices of the reply): the size check comes before any parsing.
        error = size > maxEntryBytes
            ? $"The entry is {size} bytes, over the limit of {maxEntryBytes} (Messaging:MaxEntryBytes)."
            : (id.IsNullOrEmpty, type.IsNullOrEmpty, data.IsNull, occurredAt.IsNull) switch
            {
                (true, _, _, _) => $"The entry has no '{EntryFields.Id}' field.",
                (_, true, _, _) => $"The entry has no '{EntryFields.Type}' field.",
                (_, _, true, _) => $"The entry has no '{EntryFields.Data}' field.",
                (_, _, _, true) => $"The entry has no '{EntryFields.OccurredAt}' field.",
                _ => null,
            };
        if (error is not null)
        {
            return null;
        }

        if (!Guid.TryParse(((ReadOnlyMemory<byte>)id).Span, out var eventId))
        {
            error = $"The '{EntryFields.Id}' field is not a GUID: '{Truncate(id)}'.";
            return null;
        }

        if (!TryParseVersion(version, out var contractVersion))
        {
            error = $"The '{EntryFields.Version}' field is not a positive integer: '{Truncate(version)}'.";
            return null;
        }

        if (!TryParseTime(occurredAt, out var when))
        {
            error = $"The '{EntryFields.OccurredAt}' field is not an ISO-8601 time: '{Truncate(occurredAt)}'.";
            return null;
        }

        return new EntryEnvelope(
            eventId, (string)type!, contractVersion, (ReadOnlyMemory<byte>)data, when.ToUniversalTime(), source, traceParent, traceState);
    }

    /// <summary>Absent is version 1 (every entry written before events had versions); present, a positive integer in plain digits.</summary>
    private static bool TryParseVersion(RedisValue value, out int version)
    {
        if (value.IsNull)
        {
            version = 1;
            return true;
        }

        var bytes = ((ReadOnlyMemory<byte>)value).Span;
        return Utf8Parser.TryParse(bytes, out version, out var consumed) && consumed == bytes.Length && version >= 1 && bytes[0] != (byte)'+';
    }

    /// <summary>
    /// The publisher writes UTC in the round-trip format (<c>2026-11-27T08:30:15.1230000Z</c>): that form, or with an
    /// explicit offset, is parsed straight from the bytes; any other ISO-8601 form (another publisher's) takes the
    /// general parser, which reads a time without offset as UTC.
    /// </summary>
    private static bool TryParseTime(RedisValue value, out DateTimeOffset time)
    {
        var bytes = ((ReadOnlyMemory<byte>)value).Span;
        var hasOffset = bytes is [.., (byte)'Z'] or [.., (byte)'+' or (byte)'-', _, _, (byte)':', _, _];
        if (hasOffset && Utf8Parser.TryParse(bytes, out time, out var consumed, 'O') && consumed == bytes.Length)
        {
            return true;
        }

        return DateTimeOffset.TryParse((string?)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>A field's value for an error message: at most 64 characters, invalid UTF-8 shown as '?'.</summary>
    private static string Truncate(RedisValue value)
    {
        var bytes = ((ReadOnlyMemory<byte>)value).Span;
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 256)]);
        return text.Length <= 64 ? text : text[..64] + "…";
    }

    /// <summary>
    /// The contract's fields of an entry, as slices of Redis's reply (nothing copied), and the size of all its fields.
    /// A field that appears twice counts with its last value, as in a hash.
    /// </summary>
    private readonly record struct ContractFields(
        RedisValue Id, RedisValue Type, RedisValue Version, RedisValue Data, RedisValue OccurredAt,
        RedisValue Source, RedisValue TraceParent, RedisValue TraceState, long Size)
    {
        public static ContractFields Of(StreamEntry entry)
        {
            var size = 0L;
            RedisValue id = RedisValue.Null, type = RedisValue.Null, version = RedisValue.Null, data = RedisValue.Null, occurredAt = RedisValue.Null;
            RedisValue source = RedisValue.Null, traceParent = RedisValue.Null, traceState = RedisValue.Null;
            foreach (var field in entry.Values)
            {
                size += EntrySize.Of(field);
                var name = ((ReadOnlyMemory<byte>)field.Name).Span;
                if (name.SequenceEqual("id"u8)) { id = field.Value; }
                else if (name.SequenceEqual("type"u8)) { type = field.Value; }
                else if (name.SequenceEqual("version"u8)) { version = field.Value; }
                else if (name.SequenceEqual("data"u8)) { data = field.Value; }
                else if (name.SequenceEqual("occurredAt"u8)) { occurredAt = field.Value; }
                else if (name.SequenceEqual("source"u8)) { source = field.Value; }
                else if (name.SequenceEqual("traceparent"u8)) { traceParent = field.Value; }
                else if (name.SequenceEqual("tracestate"u8)) { traceState = field.Value; }
            }

            return new(id, type, version, data, occurredAt, source, traceParent, traceState, size);
        }
    }
}
