namespace Shop.StreamsConsole.Reading;

/// <summary>
/// A dead letter: where it waits (<paramref name="Key"/>, beside the stream or partition it came from), why it was given
/// up on and by whom, how often it was delivered and replayed, the event it carries, and the fields of the original
/// entry (the dead letter's own bookkeeping fields left out).
/// </summary>
public sealed record DeadLetterView(
    string Stream, string Key, string Id, DateTimeOffset DeadLetteredAt, string? Error, string? Deliveries, string? Group,
    string? Consumer, string? OriginalId, string? Replays, string? Type, string? EventId, string? TraceParent, string? TraceUrl,
    IReadOnlyList<FieldView> OriginalFields);

/// <summary>Every stream's newest dead letters, and whether this console may replay them.</summary>
public sealed record DeadLettersPage(bool AllowReplay, long Total, IReadOnlyList<DeadLetterView> DeadLetters);
