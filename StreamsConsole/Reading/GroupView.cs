namespace Shop.StreamsConsole.Reading;

/// <summary>A stream's consumer groups, per partition, with the idle time after which XAUTOCLAIM takes an entry over.</summary>
public sealed record GroupsPage(string Stream, long ReclaimAfterMilliseconds, IReadOnlyList<GroupView> Groups);

/// <summary>
/// One consumer group on one key (the stream, or one partition): entries read and not acknowledged, entries not read
/// yet (<c>null</c> when Redis cannot tell), the last entry handed out, its consumers, and its pending entries.
/// </summary>
public sealed record GroupView(
    string Name, string Key, long Pending, long? Lag, string? LastDeliveredId, IReadOnlyList<ConsumerView> Consumers,
    IReadOnlyList<PendingEntryView> PendingEntries);

/// <summary>A consumer: its pending entries and how long since it last asked Redis for anything.</summary>
public sealed record ConsumerView(string Name, long Pending, long IdleMilliseconds);

/// <summary>
/// An entry a consumer read and has not acknowledged: who holds it, for how long, how often it was delivered, and
/// whether it is idle past <c>Messaging:ReclaimAfter</c> — the next XAUTOCLAIM of any consumer of the group takes it.
/// </summary>
public sealed record PendingEntryView(string Id, string Consumer, long IdleMilliseconds, long Deliveries, bool NextForTakeOver);
