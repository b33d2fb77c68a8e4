namespace Shop.StreamsConsole.Reading;

/// <summary>One field of an entry, as Redis holds it.</summary>
public sealed record FieldView(string Name, string Value);

/// <summary>
/// One entry: where it is (<paramref name="Key"/>: the stream or its partition), its id and Redis's time of adding it,
/// the contract's fields picked out (<c>type</c>, the event's <c>id</c>, <c>traceparent</c> with a link to its trace in
/// the dashboard) and every field as it is.
/// </summary>
public sealed record EntryView(
    string Key, string Id, DateTimeOffset AddedAt, string? Type, string? EventId, string? TraceParent, string? TraceUrl,
    IReadOnlyList<FieldView> Fields);

/// <summary>A page of a stream's entries, newest first; <paramref name="Next"/> is the id to page on from (older entries), if any.</summary>
public sealed record EntryPage(string Stream, IReadOnlyList<EntryView> Entries, string? Next);
