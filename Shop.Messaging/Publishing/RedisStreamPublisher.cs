using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Replication;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Publishing;

/// <summary>
/// XADD: one command, one key, so it is cluster-safe. On the shared multiplexer, where it pipelines with everything
/// else, unless publishes wait for replicas (<see cref="ReplicaConfirmation"/>).
/// </summary>
internal sealed class RedisStreamPublisher(
    ReplicaConfirmation replicas,
    IOptions<MessagingOptions> options,
    PublishedStreams published,
    MessagingMetrics metrics) : IStreamPublisher
{
    public async Task<string> PublishAsync(OutgoingEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();

        // The producer span is a child of the activity that raised the event (for the outbox that activity may be
        // long gone, so its context comes from the entry), and the consumer continues from the producer span.
        ActivityContext.TryParse(entry.TraceParent, entry.TraceState, out var raisedIn);
        var destination = Destination.Of(entry.Key);
        using var activity = MessagingTelemetry.ActivitySource.StartActivity(
            destination.PublishSpanName, ActivityKind.Producer, raisedIn);
        // A span the sampler dropped still carries the trace context onwards (its id, "not sampled"), but nobody reads its tags.
        if (activity is { IsAllDataRequested: true } recorded)
        {
            destination.AddTo(recorded);
            recorded.SetTag(MessagingTelemetry.SystemTag, MessagingTelemetry.SystemValue)
                .SetTag(MessagingTelemetry.OperationTypeTag, "send")
                .SetTag(MessagingTelemetry.OperationNameTag, "publish")
                .SetTag(MessagingTelemetry.MessageIdTag, entry.EventId)
                .SetTag(MessagingTelemetry.EventTypeTag, entry.TypeName);
        }

        var traceParent = activity?.Id ?? entry.TraceParent;
        var traceState = activity is null ? entry.TraceState : activity.TraceStateString;
        var fields = new NameValueEntry[6 + (traceParent is null ? 0 : 1) + (string.IsNullOrEmpty(traceState) ? 0 : 1)];
        fields[0] = new(EntryFields.Id, entry.EventId);
        fields[1] = new(EntryFields.Type, entry.TypeName);
        fields[2] = new(EntryFields.Version, entry.Version);
        fields[3] = new(EntryFields.Data, entry.Data);
        fields[4] = new(EntryFields.OccurredAt, entry.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        fields[5] = new(EntryFields.Source, entry.Source);
        if (traceParent is not null)
        {
            fields[6] = new(EntryFields.TraceParent, traceParent);
        }

        if (!string.IsNullOrEmpty(traceState))
        {
            fields[^1] = new(EntryFields.TraceState, traceState);
        }

        var redis = await replicas.ConnectionAsync().ConfigureAwait(false);
        var entryId = await redis.GetDatabase().StreamAddAsync(
            entry.Key,
            fields,
            messageId: null,
            maxLength: options.Value.StreamMaxLength,
            useApproximateMaxLength: true).ConfigureAwait(false);

        activity.SetRecordedTag(MessagingTelemetry.EntryIdTag, (string?)entryId);
        published.Add(entry.Key);
        metrics.Published(entry.Key, entry.TypeName);
        return entryId.ToString();
    }

    public Task ConfirmReplicatedAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        replicas.ConfirmAsync(keys, cancellationToken);
}
