namespace Shop.StreamsConsole.Replay;

/// <summary>
/// A dead letter put back: it was <paramref name="DeadLetterId"/> in <paramref name="DeadLetterKey"/>, it is
/// <paramref name="NewId"/> in <paramref name="Key"/> now, carrying the same event id, replayed <paramref name="Replays"/> times.
/// </summary>
public sealed record ReplayedEntry(string DeadLetterKey, string DeadLetterId, string Key, string NewId, string? EventId, int Replays);

/// <summary>What one replay request put back.</summary>
public sealed record ReplayResult(int Replayed, IReadOnlyList<ReplayedEntry> Entries);
