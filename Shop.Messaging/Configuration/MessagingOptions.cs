using System.ComponentModel.DataAnnotations;

namespace Shop.Messaging.Configuration;

/// <summary>
/// The bus's settings, bound from the <c>Messaging</c> configuration section and validated at start-up.
/// Each default sits on its property.
/// </summary>
public sealed class MessagingOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Messaging";

    /// <summary>
    /// The service's name: the consumer group it reads with and the <c>source</c> of what it publishes,
    /// e.g. <c>order-service</c>. Set by <c>AddMessaging(serviceName)</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[a-z0-9][a-z0-9-]*$", ErrorMessage = "ServiceName must be lower-case letters, digits and dashes.")]
    public string ServiceName { get; set; } = "";

    /// <summary>
    /// This instance's consumer name within its group. Leave empty to derive one that is unique to the
    /// instance and, where the host gives one (OTEL <c>service.instance.id</c>), stable across its restarts.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9._:\-]*$", ErrorMessage = "ConsumerName may hold letters, digits and . _ : - only.")]
    public string? ConsumerName { get; set; }

    /// <summary>
    /// How long an entry may stay unacknowledged with one consumer before another consumer of the group takes it
    /// over (the XAUTOCLAIM min-idle-time). A running handler keeps refreshing its claim, so this bounds how long
    /// a crashed instance's work waits, not how long a handler may take.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan ReclaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries after which an entry that keeps failing is moved to its dead-letter stream.</summary>
    [Range(1, 1000)]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>
    /// Approximate cap per stream (<c>XADD … MAXLEN ~</c>): the last-resort safety valve. Streams are kept short by
    /// trimming to what every group has read (<see cref="TrimInterval"/>); this cap only bites when a group stops
    /// reading for good, and then drops its oldest unread entries (logged as an error and counted).
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long StreamMaxLength { get; set; } = 1_000_000;

    /// <summary>
    /// Where a consumer group that does not exist yet starts: at the beginning, so that a newly added service
    /// catches up on history, or at the end.
    /// </summary>
    public GroupStartPosition NewGroupStartsAt { get; set; } = GroupStartPosition.Beginning;

    /// <summary>Entries read per XREADGROUP / XAUTOCLAIM call (COUNT).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Batched handling: the entries of one read that arrive for the first time are applied in one store transaction
    /// (inbox records, effects and outbox rows together) and acknowledged with one XACK, when the store offers it (the
    /// EF store does) and <see cref="MaxConcurrency"/> is 1. A failing handler rolls the batch back and its entries are
    /// handled one by one. False: one transaction per entry.
    /// </summary>
    public bool BatchedHandling { get; set; } = true;

    /// <summary>
    /// Handlers in flight at once per subscribed stream. 1 keeps the stream's order; more trade order for
    /// throughput with slow handlers.
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>
    /// How long one blocking XREADGROUP waits for new entries before it is sent again. An idle consumer costs
    /// one command per this interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of a handler within one delivery before the entry is left pending for redelivery.</summary>
    [Range(1, 20)]
    public int HandlerAttempts { get; set; } = 3;

    /// <summary>The pause before the second in-process attempt; it doubles for each further attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A consumer of this service's group that has been idle this long <em>and has nothing pending</em> is
    /// removed from the group (a consumer with pending entries is never removed: that would lose them).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "365.00:00:00")]
    public TimeSpan ConsumerIdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often pending and lag per group are read for the metrics.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The largest entry (all field names and values) a consumer accepts; a larger one is dead-lettered unread.
    /// Events are small facts: anything this big is a bug or an attack, and must not be parsed into memory.
    /// </summary>
    [Range(1_024, 512 * 1024 * 1024)]
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>How deeply the JSON in an entry's <c>data</c> may nest; deeper is dead-lettered as malformed.</summary>
    [Range(1, 256)]
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>
    /// How often a service trims the streams it publishes to, down to what every consumer group has read and
    /// acknowledged (XTRIM MINID). <see cref="StreamMaxLength"/> remains the safety valve above it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Partitions per stream. 1: the stream is one key, its name (<c>orders</c>). N &gt; 1: the stream is the N keys
    /// <c>orders:{0}</c> … <c>orders:{N-1}</c>, which Redis Cluster spreads over its shards; an event goes to the
    /// partition its partition key hashes to, and every consumer reads all partitions. Every service must agree on a
    /// stream's partitions (set them in one place, e.g. the AppHost). Overridable per stream in <see cref="Streams"/>.
    /// </summary>
    [Range(1, 1024)]
    public int Partitions { get; set; } = 1;

    /// <summary>Per-stream settings by stream name (<c>Messaging:Streams:orders:Partitions</c>).</summary>
    public Dictionary<string, StreamSettings> Streams { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Replicas that must hold an entry before a publish counts as done (<c>WAIT</c>): the outbox marks a row published
    /// only then, and a direct publish returns only then. When the replicas do not confirm within
    /// <see cref="ReplicaTimeout"/>, the entry is published again (the inbox absorbs the repeat). 0: confirmed by the
    /// primary alone, which an asynchronous replica promoted after a crash may not have.
    /// </summary>
    [Range(0, 16)]
    public int MinReplicas { get; set; }

    /// <summary>How long a publish waits for <see cref="MinReplicas"/> replicas (the <c>WAIT</c> timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Also wait until the entry is in the primary's append-only file and in <see cref="MinReplicas"/> replicas'
    /// (<c>WAITAOF 1 n</c>), where the server has it (Redis 7.2+, with <c>appendonly yes</c>); on an older server the
    /// bus logs a warning once and waits with <c>WAIT</c> alone.
    /// </summary>
    public bool WaitForAof { get; set; }

    /// <summary>The partitions of <paramref name="stream"/>: its own setting, else <see cref="Partitions"/>.</summary>
    public int PartitionsOf(string stream) =>
        Streams.TryGetValue(stream, out var settings) && settings.Partitions is { } partitions ? partitions : Partitions;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WaitForAof && MinReplicas == 0)
        {
            yield return new ValidationResult(
                "WaitForAof waits for MinReplicas replicas' append-only files: set MinReplicas to 1 or more.", [nameof(WaitForAof), nameof(MinReplicas)]);
        }

        foreach (var (stream, settings) in Streams)
        {
            if (settings.Partitions is < 1 or > 1024)
            {
                yield return new ValidationResult(
                    $"Streams:{stream}:Partitions must be between 1 and 1024.", [nameof(Streams)]);
            }
        }
    }
}
