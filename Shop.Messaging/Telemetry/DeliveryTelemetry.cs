using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;

namespace Shop.Messaging.Telemetry;

/// <summary>What the invoke step reports about a delivery: its consumer span, its latency, and how it ended.</summary>
internal sealed class DeliveryTelemetry(ConsumerIdentity identity, MessagingMetrics metrics, TimeProvider timeProvider, ILogger<DeliveryTelemetry> logger)
{
    /// <summary>The consumer span of one entry, in the trace it was published in; and the entry's delivery latency.</summary>
    public Activity? StartProcessing(string key, Delivery delivery, EntryEnvelope envelope)
    {
        var destination = Destination.Of(key);
        var activity = MessagingTelemetry.ActivitySource.StartActivity(destination.ProcessSpanName, ActivityKind.Consumer, PublishedIn(envelope));
        // A span the sampler dropped still carries the trace context onwards, but nobody reads its tags.
        if (activity is { IsAllDataRequested: true })
        {
            destination.AddTo(activity);
            activity.SetTag(MessagingTelemetry.SystemTag, MessagingTelemetry.SystemValue)
                .SetTag(MessagingTelemetry.OperationTypeTag, "process")
                .SetTag(MessagingTelemetry.OperationNameTag, "process")
                .SetTag(MessagingTelemetry.ConsumerGroupTag, identity.Group)
                .SetTag(MessagingTelemetry.EntryIdTag, delivery.EntryId)
                .SetTag(MessagingTelemetry.MessageIdTag, envelope.EventId.ToString())
                .SetTag(MessagingTelemetry.EventTypeTag, envelope.TypeName)
                .SetTag(MessagingTelemetry.DeliveryCountTag, delivery.DeliveryCount);
        }

        if (EntryPosition.Parse(delivery.EntryId) is { } position)
        {
            metrics.DeliveryLatency(key, identity.Group, timeProvider.GetUtcNow() - position.AddedAt);
        }

        return activity;
    }

    /// <summary>
    /// The span of a batch (its transaction's queries are children of it), linked to the trace of every entry in it;
    /// each entry still gets its consumer span in the trace it was published in.
    /// </summary>
    public Activity? StartBatch(string key, IReadOnlyList<Decoded.Invoke> batch)
    {
        var destination = Destination.Of(key);
        var activity = MessagingTelemetry.ActivitySource.StartActivity(
            ActivityKind.Consumer, tags: null, links: batch.Select(entry => new ActivityLink(PublishedIn(entry.Envelope))), name: $"process {destination.Stream} batch");
        if (activity is { IsAllDataRequested: true })
        {
            destination.AddTo(activity);
            activity.SetTag(MessagingTelemetry.SystemTag, MessagingTelemetry.SystemValue)
                .SetTag(MessagingTelemetry.OperationTypeTag, "process")
                .SetTag(MessagingTelemetry.ConsumerGroupTag, identity.Group)
                .SetTag(MessagingTelemetry.BatchSizeTag, batch.Count);
        }
        return activity;
    }

    /// <summary>A delivery whose handlers ran (or that the inbox found applied already: <paramref name="handled"/> false).</summary>
    public void Completed(string key, Delivery delivery, EntryEnvelope envelope, bool handled, TimeSpan duration)
    {
        metrics.HandlerDuration(key, identity.Group, envelope.TypeName, duration);
        if (handled)
        {
            metrics.Consumed(key, identity.Group, envelope.TypeName);
        }
        else
        {
            MessagingLog.Duplicate(logger, key, delivery.EntryId, envelope.TypeName, envelope.EventId);
            metrics.Duplicate(key, identity.Group);
        }
    }

    /// <summary>A delivery whose every in-process attempt failed.</summary>
    public void Failed(string key, EntryEnvelope envelope, TimeSpan duration)
    {
        metrics.HandlerDuration(key, identity.Group, envelope.TypeName, duration);
        metrics.Failed(key, identity.Group, envelope.TypeName);
    }

    private static ActivityContext PublishedIn(EntryEnvelope envelope)
    {
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var publishedIn);
        return publishedIn;
    }
}
