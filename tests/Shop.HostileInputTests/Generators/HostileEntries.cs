using System.Globalization;
using System.Text;
using CsCheck;
using StackExchange.Redis;

namespace Shop.HostileInputTests.Generators;

/// <summary>
/// A raw entry written into one of Shop's streams by someone who is not a Shop service, and the consumer groups that
/// must refuse it (dead-letter it by its first delivery, with a reason). Every other group must take it in its stride:
/// handle it (a lie that is valid is settled) or skip it (a type it does not handle).
/// </summary>
public sealed record HostileEntry(string Stream, string Kind, NameValueEntry[] Fields, string[] RefusedBy)
{
    public override string ToString() =>
        $"{Kind} into {Stream}: {string.Join(", ", Fields.Select(field => $"{field.Name}={Shown(field.Value)}"))}";

    private static string Shown(RedisValue value) => value.Length() > 120 ? $"({value.Length()} bytes)" : value.ToString();
}

/// <summary>
/// Hostile entries, built from the contract (<see cref="Contract"/>): valid events that lie (ids nobody knows), events
/// that break one rule of one field, data that is not the event's JSON at all, broken envelopes (fields missing,
/// duplicated, not a GUID or a time, invalid UTF-8), types nobody handles, and entries over the size limit. Which groups
/// must refuse each one follows from how it was built, not from the code under test.
/// </summary>
public static class HostileEntries
{
    private static readonly Gen<Guid> Id = Gen.Guid.Where(id => id != Guid.Empty);

    private static readonly Gen<string> ValidText = Gen.String[Gen.Char.AlphaNumeric, 1, 40];

    private static readonly Gen<string> ValidSku = Gen.Frequency(
        (4, Gen.OneOf([.. Contract.Catalog.Keys])),
        (1, Gen.String[Gen.Char["ABCXYZ0123456789-"], 1, 64]));

    public static readonly Gen<HostileEntry> Any =
        Gen.Frequency(
                (3, Gen.Const("orders")),
                (2, Gen.Const("inventory")),
                (1, Gen.Const("notifications")))
            .SelectMany(stream => Gen.OneOf(Contract.EventsOf[stream]).SelectMany(shape => ValidData(shape).SelectMany(data =>
                Gen.Frequency(
                    (3, Valid(stream, shape, data)),
                    (1, TolerantExtra(stream, shape, data)),
                    (4, BrokenField(stream, shape, data)),
                    (3, BrokenJson(stream, shape, data)),
                    (3, BrokenEnvelope(stream, shape, data)),
                    (1, UnknownType(stream, data)),
                    (1, DuplicatedField(stream, shape, data)),
                    (1, Oversized(stream, shape))))))
            // The event id is drawn too, so that one seed gives the very same entries.
            .SelectMany(entry => Id.Select(eventId => entry with
            {
                Fields = [.. entry.Fields.Select(field => field.Value == NewId ? new NameValueEntry(field.Name, eventId.ToString()) : field)],
            }));

    // Stands for the event id until the id is drawn.
    private const string NewId = "<new event id>";

    /// <summary>A valid event of <paramref name="shape"/>, every id new: a lie no service can check against anything but its own state.</summary>
    private static Gen<List<(string Name, string Value)>> ValidData(EventShape shape) =>
        Gen.Const(shape.Fields).SelectMany(fields => Sequence(fields.Select(field => ValidValue(field).Select(value => (field.Name, value)))));

    private static Gen<string> ValidValue(Field field) => field.Kind switch
    {
        FieldKind.Id => Id.Select(id => Json.String(id.ToString())),
        FieldKind.OptionalId => Gen.Frequency((1, Gen.Const("null")), (3, Id.Select(id => Json.String(id.ToString())))),
        FieldKind.Text => ValidText.Select(text => Json.String(text.Length <= field.Max ? text : text[..field.Max])),
        FieldKind.Sku => ValidSku.Select(Json.String),
        FieldKind.Count => Gen.Int[field.Min, Math.Min(field.Max, field.Min + 50)].Select(Number),
        FieldKind.Lines => Gen.Select(ValidSku, Gen.Int[1, 3], (sku, quantity) => Line(Json.String(sku), Number(quantity)))
            .Array[1, 3].Select(Json.Array),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>A value that breaks <paramref name="field"/>'s rule, or its JSON type; null: the field left out.</summary>
    private static Gen<string?> BrokenValue(Field field) => field.Kind switch
    {
        FieldKind.Id => Gen.OneOf<string?>(null, "null", "\"\"", "\"not-a-guid\"", "\"00000000-0000-0000-0000-000000000000\"", "123", "[]", "{}"),
        FieldKind.OptionalId => Gen.OneOf<string?>(null, "\"\"", "\"not-a-guid\"", "\"00000000-0000-0000-0000-000000000000\"", "123", "[]"),
        FieldKind.Text => Gen.Frequency(
            (3, Gen.OneOf<string?>(null, "null", "\"\"", "\"   \"", "\"\\t\"", "42", "[]", "{}")),
            (1, Gen.Int[field.Max + 1, field.Max + 300].Select(length => (string?)Json.String(new string('t', length))))),
        FieldKind.Sku => Gen.OneOf<string?>(null, "null", "\"\"", "\"SKU 001\"", "\"sku_1\"", "\"ÄÖÜ\"", Json.String(new string('S', 65)), "42"),
        FieldKind.Count => Gen.OneOf<string?>([
            null, "null", "\"1\"", "1.5", "1e400", "2147483648", "true",
            .. field.Min > int.MinValue ? new[] { Number(field.Min - 1) } : [],
            .. field.Max < int.MaxValue ? new[] { Number(field.Max + 1) } : [],
        ]),
        FieldKind.Lines => Gen.OneOf<string?>(
            null, "null", "[]", "\"x\"", "[null]", "{}",
            Json.Array(Enumerable.Repeat(Line("\"SKU-001\"", "1"), 101)),
            Json.Array([Line("\"SKU-001\"", "0")]),
            Json.Array([Line("\"SKU-001\"", "1"), Line("\"SKU-002\"", "-2")]),
            Json.Array([Line("\"SKU-001\"", Number(field.Max + 1))]),
            Json.Array([Line("\"SKU 1\"", "1")]),
            Json.Array([Line("null", "1")]),
            Json.Array([Line("\"SKU-001\"", "\"one\"")]),
            Json.Array(["{\"sku\":\"SKU-001\"}"]),
            Json.Array(["{\"quantity\":1}"])),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static Gen<HostileEntry> Valid(string stream, EventShape shape, List<(string Name, string Value)> data) =>
        Traced().Select(trace => Entry(stream, "valid lie", shape.Type, Json.Object(data), extra: trace, refusedBy: []));

    /// <summary>A member the event does not have: a tolerant reader ignores it.</summary>
    private static Gen<HostileEntry> TolerantExtra(string stream, EventShape shape, List<(string Name, string Value)> data) =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 12], Json.PlainScalar, (name, value) =>
            shape.Fields.Any(field => string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
                ? Entry(stream, "valid lie", shape.Type, Json.Object(data), refusedBy: [])
                : Entry(stream, "unknown member", shape.Type, Json.Object([.. data, (name, value)]), refusedBy: []));

    private static Gen<HostileEntry> BrokenField(string stream, EventShape shape, List<(string Name, string Value)> data) =>
        Gen.Int[0, shape.Fields.Length - 1].SelectMany(index => BrokenValue(shape.Fields[index]).Select(value =>
            Entry(stream, $"{shape.Fields[index].Name} broken", shape.Type,
                Json.Object(value is null ? data.Where((_, i) => i != index) : data.Select((member, i) => i == index ? (member.Name, value) : member)),
                refusedBy: Contract.HandlersOf(stream, shape.Type))));

    private static Gen<HostileEntry> BrokenJson(string stream, EventShape shape, List<(string Name, string Value)> data)
    {
        var valid = Json.Object(data);
        var refusedBy = Contract.HandlersOf(stream, shape.Type);
        return Gen.Frequency(
            (2, Gen.OneOf("", "null", "[]", "42", "\"x\"", "{", "}", "not json").Select(json => Entry(stream, "data not its JSON", shape.Type, json, refusedBy: refusedBy))),
            (3, Gen.Int[0, valid.Length - 2].Select(length => Entry(stream, "data truncated", shape.Type, valid[..length], refusedBy: refusedBy))),
            (1, Gen.Const(Entry(stream, "data with a second value", shape.Type, valid + " {}", refusedBy: refusedBy))),
            (1, Gen.Int[40, 300].Select(depth => Entry(stream, "data nested too deep", shape.Type,
                Json.Object([.. data, ("deep", new string('[', depth) + new string(']', depth))]), refusedBy: refusedBy))),
            (2, Gen.Const(InvalidUtf8Data(stream, shape, data, refusedBy))));
    }

    /// <summary>The first field's value a string of bytes that are no UTF-8, the others as they were: the reader must refuse it.</summary>
    private static HostileEntry InvalidUtf8Data(string stream, EventShape shape, List<(string Name, string Value)> data, string[] refusedBy)
    {
        var rest = data.Skip(1).Select(member => $",{Json.String(member.Name)}:{member.Value}");
        byte[] bytes =
        [
            .. Encoding.UTF8.GetBytes($"{{{Json.String(data[0].Name)}:\""), 0xC3, 0x28, 0xFF, 0xFE,
            .. Encoding.UTF8.GetBytes($"\"{string.Concat(rest)}}}"),
        ];
        return Entry(stream, "data not UTF-8", shape.Type, bytes, refusedBy: refusedBy);
    }

    private static Gen<HostileEntry> BrokenEnvelope(string stream, EventShape shape, List<(string Name, string Value)> data)
    {
        var refusedBy = Contract.GroupsOf[stream];
        var json = Json.Object(data);
        return Gen.OneOf(
            Gen.Const(Entry(stream, "no id", shape.Type, json, without: "id", refusedBy: refusedBy)),
            Gen.Const(Entry(stream, "no type", shape.Type, json, without: "type", refusedBy: refusedBy)),
            Gen.Const(Entry(stream, "no data", shape.Type, json, without: "data", refusedBy: refusedBy)),
            Gen.Const(Entry(stream, "no occurredAt", shape.Type, json, without: "occurredAt", refusedBy: refusedBy)),
            Gen.Const(Entry(stream, "empty type", "", json, refusedBy: refusedBy)),
            Json.Text.Where(text => !Guid.TryParse(text, out _)).Select(id => Entry(stream, "id not a GUID", shape.Type, json, id: id, refusedBy: refusedBy)),
            Gen.Const(Entry(stream, "id not UTF-8", shape.Type, json, id: (RedisValue)new byte[] { 0xFF, 0xC3, 0x28 }, refusedBy: refusedBy)),
            Gen.OneOf("yesterday", "", "2026-13-45T99:00:00Z", "1733212800000", "\u0000")
                .Select(time => Entry(stream, "occurredAt not a time", shape.Type, json, occurredAt: time, refusedBy: refusedBy)),
            // The last of two fields counts: a valid id first, a broken one after it.
            Gen.Const(Entry(stream, "second id broken", shape.Type, json, extra: [new("id", "broken")], refusedBy: refusedBy)));
    }

    private static Gen<HostileEntry> UnknownType(string stream, List<(string Name, string Value)> data) =>
        Gen.OneOf<RedisValue>("Nope", "orderplaced", "OrderPlaced ", "ÖrderPlaced", "CustomerNotified", "StockLow", "OrderPlaced", new byte[] { 0xFF, 0x4F })
            // A type of another stream is unknown on this one; a type of this stream is not what this case is about.
            .Where(type => !Contract.EventsOf[stream].Any(shape => shape.Type == type))
            .Select(type => Entry(stream, "type nobody handles here", type, Json.Object(data), refusedBy: []));

    /// <summary>A field written twice with the same value: the entry means what it meant.</summary>
    private static Gen<HostileEntry> DuplicatedField(string stream, EventShape shape, List<(string Name, string Value)> data) =>
        Gen.OneOf("type", "data", "source").Select(name =>
        {
            var entry = Entry(stream, "valid lie", shape.Type, Json.Object(data), refusedBy: []);
            return entry with { Kind = $"{name} twice", Fields = [.. entry.Fields, entry.Fields.First(field => field.Name == name)] };
        });

    /// <summary>Over the consumers' 1 MiB limit: refused unread, and not copied whole into the dead letter.</summary>
    private static Gen<HostileEntry> Oversized(string stream, EventShape shape) =>
        Gen.Int[1_100_000, 1_300_000].Select(size => Entry(stream, "over MaxEntryBytes", shape.Type,
            Json.Object([(shape.Fields[0].Name, Json.String(new string('o', size)))]), refusedBy: Contract.GroupsOf[stream]));

    /// <summary>Sometimes a trace context, valid or garbage: consumers continue the trace or ignore it, never fail on it.</summary>
    private static Gen<NameValueEntry[]> Traced() => Gen.Frequency(
        (3, Gen.Const(System.Array.Empty<NameValueEntry>())),
        (1, Gen.Const(new NameValueEntry[] { new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") })),
        (1, Json.Text.Select(text => new NameValueEntry[] { new("traceparent", text), new("tracestate", text) })));

    private static HostileEntry Entry(
        string stream, string kind, RedisValue type, RedisValue data, string[] refusedBy, string? without = null,
        RedisValue? id = null, string? occurredAt = null, NameValueEntry[]? extra = null)
    {
        NameValueEntry[] fields =
        [
            new("id", id ?? NewId),
            new("type", type),
            new("data", data),
            new("occurredAt", occurredAt ?? DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new("source", "hostile-input-tests"),
            .. extra ?? [],
        ];
        return new HostileEntry(stream, kind, [.. fields.Where(field => field.Name != without)], refusedBy);
    }

    private static string Line(string sku, string quantity) => $"{{\"sku\":{sku},\"quantity\":{quantity}}}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One value of each generator, in order.</summary>
    private static Gen<List<T>> Sequence<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(new List<T>()), (list, gen) => list.SelectMany(items => gen.Select(item => new List<T>(items) { item })));
}
