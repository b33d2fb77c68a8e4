namespace Shop.StreamsConsole.Reading;

/// <summary>
/// A stream at a glance: entries held, the oldest and newest (id and time), entries added per second lately, its
/// consumer groups summed over partitions, and what waits in its dead-letter streams.
/// </summary>
public sealed record StreamSummary(
    string Name, IReadOnlyList<string> Keys, long Length, string? FirstId, DateTimeOffset? FirstAt, string? LastId,
    DateTimeOffset? LastAt, double EntriesPerSecond, IReadOnlyList<GroupSummary> Groups, long DeadLetters);

/// <summary>A consumer group of a stream: consumers, entries read and not acknowledged, entries not read yet (summed over partitions).</summary>
public sealed record GroupSummary(string Name, int Consumers, long Pending, long? Lag);
