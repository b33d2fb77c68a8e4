using System.Diagnostics;

namespace Shop.Messaging.Telemetry;

/// <summary>The names under which the bus reports traces and metrics; add them to OpenTelemetry.</summary>
public static class MessagingTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> of publish (producer) and process (consumer) spans.</summary>
    public const string ActivitySourceName = "Shop.Messaging";

    /// <summary>The meter of the bus's counters, histograms and gauges.</summary>
    public const string MeterName = "Shop.Messaging";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    // OpenTelemetry semantic conventions for messaging (https://opentelemetry.io/docs/specs/semconv/messaging/).
    internal const string SystemTag = "messaging.system";
    internal const string SystemValue = "redis";
    internal const string OperationTypeTag = "messaging.operation.type";
    internal const string OperationNameTag = "messaging.operation.name";
    internal const string DestinationTag = "messaging.destination.name";
    internal const string PartitionTag = "messaging.destination.partition.id";
    internal const string ConsumerGroupTag = "messaging.consumer.group.name";
    internal const string MessageIdTag = "messaging.message.id";
    internal const string EntryIdTag = "messaging.redis.entry.id";
    internal const string EventTypeTag = "messaging.message.type";
    internal const string DeliveryCountTag = "messaging.redis.delivery_count";
    internal const string OutcomeTag = "messaging.outcome";
    internal const string BatchSizeTag = "messaging.batch.message_count";
    internal const string ServerAddressTag = "server.address";

    /// <summary>
    /// Sets an attribute on <paramref name="activity"/> when it is recorded: a span the sampler dropped exists only to
    /// carry the trace context onwards, and nobody reads its attributes.
    /// </summary>
    internal static void SetRecordedTag(this Activity? activity, string key, object? value)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(key, value);
        }
    }
}
