using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Shop.Messaging.Telemetry;

/// <summary>The bus's instruments. Tags follow the messaging semantic conventions so dashboards can group by stream and group.</summary>
internal sealed class MessagingMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _reclaimed;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _trimmed;
    private readonly Counter<long> _unreadDropped;
    private readonly Histogram<double> _handlerDuration;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Histogram<long> _batchSize;
    private readonly Counter<long> _batchesRolledBack;
    private readonly Counter<long> _replicationShortfalls;

    public MessagingMetrics(IMeterFactory meterFactory, GroupStatistics statistics)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _published = meter.CreateCounter<long>("shop.messaging.published", "{entry}", "Entries added to a stream.");
        _consumed = meter.CreateCounter<long>("shop.messaging.consumed", "{entry}", "Entries handled and acknowledged.");
        _skipped = meter.CreateCounter<long>("shop.messaging.skipped", "{entry}", "Entries acknowledged without a handler (no handler for the type, or the entry was deleted while pending).");
        _failed = meter.CreateCounter<long>("shop.messaging.failed", "{entry}", "Deliveries whose handler failed every attempt; the entry stays pending for redelivery.");
        _retried = meter.CreateCounter<long>("shop.messaging.retried", "{attempt}", "In-process handler retries.");
        _deadLettered = meter.CreateCounter<long>("shop.messaging.dead_lettered", "{entry}", "Entries moved to the dead-letter stream.");
        _reclaimed = meter.CreateCounter<long>("shop.messaging.reclaimed", "{entry}", "Entries taken over from an idle consumer (XAUTOCLAIM).");
        _duplicates = meter.CreateCounter<long>("shop.messaging.duplicates", "{entry}", "Entries whose event the inbox had applied already; acknowledged without running the handlers.");
        _trimmed = meter.CreateCounter<long>("shop.messaging.trimmed", "{entry}", "Entries removed from a stream after every group had read and acknowledged them.");
        _unreadDropped = meter.CreateCounter<long>("shop.messaging.unread_dropped", "{entry}", "Entries the MAXLEN safety valve removed before a group had read them: lost to that group.");
        _handlerDuration = meter.CreateHistogram<double>("shop.messaging.handler.duration", "s", "How long handling an entry took, all attempts of one delivery included.");
        _deliveryLatency = meter.CreateHistogram<double>("shop.messaging.delivery.latency", "s", "From the entry's publish (its id's timestamp) to the start of its handler.");
        _batchSize = meter.CreateHistogram<long>("shop.messaging.batch.size", "{entry}", "Entries handled together in one committed store transaction.");
        _batchesRolledBack = meter.CreateCounter<long>("shop.messaging.batch.rolled_back", "{batch}", "Batches rolled back because a handler failed; their entries were then handled one by one.");
        _replicationShortfalls = meter.CreateCounter<long>("shop.messaging.replication.shortfalls", "{wait}", "Publishes that fewer than Messaging:MinReplicas replicas confirmed in time; they are published again.");
        meter.CreateObservableGauge("shop.messaging.pending", statistics.Pending, "{entry}", "Entries delivered to the group and not yet acknowledged (XINFO GROUPS pending), per stream partition.");
        meter.CreateObservableGauge("shop.messaging.lag", statistics.Lag, "{entry}", "Entries in the stream not yet delivered to the group (XINFO GROUPS lag), per stream partition.");
        meter.CreateObservableGauge("shop.messaging.stream.pending", statistics.PendingPerStream, "{entry}", "Pending entries of the group summed over the stream's partitions.");
        meter.CreateObservableGauge("shop.messaging.stream.lag", statistics.LagPerStream, "{entry}", "Undelivered entries summed over the stream's partitions (those that report a lag).");
    }

    // The per-entry ones check Enabled first: with nobody listening (no exporter) their tags are not even built.
    public void Published(string stream, string type)
    {
        if (_published.Enabled)
        {
            var tags = new TagList();
            Destination.Of(stream).AddTo(ref tags);
            tags.Add(MessagingTelemetry.EventTypeTag, type);
            _published.Add(1, tags);
        }
    }

    public void Consumed(string stream, string group, string type)
    {
        if (_consumed.Enabled)
        {
            _consumed.Add(1, Tags(stream, group, type));
        }
    }

    public void Skipped(string stream, string group) => _skipped.Add(1, Tags(stream, group));

    public void Failed(string stream, string group, string type) =>
        _failed.Add(1, Tags(stream, group, type));

    public void Retried(string stream, string group) => _retried.Add(1, Tags(stream, group));

    public void DeadLettered(string stream, string group) => _deadLettered.Add(1, Tags(stream, group));

    public void Reclaimed(string stream, string group, int count) => _reclaimed.Add(count, Tags(stream, group));

    public void Duplicate(string stream, string group) => _duplicates.Add(1, Tags(stream, group));

    public void Trimmed(string stream, long count)
    {
        var tags = new TagList();
        Destination.Of(stream).AddTo(ref tags);
        _trimmed.Add(count, tags);
    }

    public void UnreadDropped(string stream, string group, long count) => _unreadDropped.Add(count, Tags(stream, group));

    public void HandlerDuration(string stream, string group, string type, TimeSpan duration)
    {
        if (_handlerDuration.Enabled)
        {
            _handlerDuration.Record(duration.TotalSeconds, Tags(stream, group, type));
        }
    }

    public void DeliveryLatency(string stream, string group, TimeSpan latency)
    {
        if (_deliveryLatency.Enabled)
        {
            _deliveryLatency.Record(Math.Max(0, latency.TotalSeconds), Tags(stream, group));
        }
    }

    public void BatchCommitted(string stream, string group, int size)
    {
        if (_batchSize.Enabled)
        {
            _batchSize.Record(size, Tags(stream, group));
        }
    }

    public void BatchRolledBack(string stream, string group) => _batchesRolledBack.Add(1, Tags(stream, group));

    public void ReplicationShortfall(string server) =>
        _replicationShortfalls.Add(1, new KeyValuePair<string, object?>(MessagingTelemetry.ServerAddressTag, server));

    private static TagList Tags(string stream, string group, string? type = null)
    {
        var tags = new TagList();
        Destination.Of(stream).AddTo(ref tags);
        tags.Add(MessagingTelemetry.ConsumerGroupTag, group);
        if (type is not null)
        {
            tags.Add(MessagingTelemetry.EventTypeTag, type);
        }

        return tags;
    }
}
