using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class PublishingTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_entry_carries_the_contract_fields()
    {
        var stream = RedisFixture.UniqueName("orders");
        using var host = TestBus.Build(redis, stream, new HandlerProbe(), service: "order-service", consume: false);
        var occurredAt = new DateTimeOffset(2026, 11, 27, 9, 15, 0, 250, TimeSpan.FromHours(2));
        var published = new ThingHappened("contract", 5) { OccurredAt = occurredAt };

        var entryId = await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(published, _cancellation);

        var entry = Assert.Single(await new StreamProbe(redis, stream).EntriesAsync());
        Assert.Equal(entryId, entry.Id.ToString());
        Assert.Equal(published.Id.ToString(), entry[EntryFields.Id]);
        Assert.Equal(nameof(ThingHappened), entry[EntryFields.Type]);
        Assert.Equal("1", entry[EntryFields.Version]); // the contract version ThingHappened is registered as
        Assert.Equal("order-service", entry[EntryFields.Source]);
        Assert.Equal("2026-11-27T07:15:00.2500000Z", entry[EntryFields.OccurredAt]);
        using var data = JsonDocument.Parse(entry[EntryFields.Data].ToString());
        Assert.Equal("contract", data.RootElement.GetProperty("name").GetString());
        Assert.Equal(5, data.RootElement.GetProperty("number").GetInt32());
        Assert.False(data.RootElement.TryGetProperty("id", out _), "the event id travels in the entry's id field, not in data");
    }

    [Fact]
    public async Task Publish_stamps_occurredAt_from_the_TimeProvider_when_the_event_has_none()
    {
        var stream = RedisFixture.UniqueName("orders");
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var host = TestBus.Build(redis, stream, new HandlerProbe(), consume: false);
        var serializer = new EventSerializer(
            host.Services.GetRequiredService<EventCatalog>(),
            host.Services.GetRequiredService<Partitioning.StreamPartitioner>(),
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.MessagingOptions>>(),
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));

        var entry = serializer.Serialize(new ThingHappened("no time", 0));

        Assert.Equal(now, entry.OccurredAt);
    }

    [Fact]
    public async Task Stream_is_capped_near_StreamMaxLength()
    {
        var stream = RedisFixture.UniqueName("orders");
        var settings = new Dictionary<string, string?> { ["Messaging:StreamMaxLength"] = "100" };
        using var host = TestBus.Build(redis, stream, new HandlerProbe(), consume: false, settings: settings);
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => publisher.PublishAsync(new ThingHappened("cap", i), _cancellation)));

        // MAXLEN ~ trims whole radix-tree nodes (100 entries each by default), so the length lands between the cap
        // and the cap plus one node.
        var length = await redis.Database.StreamLengthAsync(new StreamProbe(redis, stream).KeyFor("cap"));
        Assert.InRange(length, 100, 200);
    }

    [Fact]
    public async Task Trace_context_survives_publish_to_handle()
    {
        var stream = RedisFixture.UniqueName("orders");
        using var source = new ActivitySource(RedisFixture.UniqueName("test-source"));
        using var spans = new SpanRecorder(source, (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();

        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /orders"))
        {
            traceId = request!.TraceId;
            await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("traced", 1), _cancellation);
        }

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the handler");
        Assert.Equal(traceId.ToString(), Assert.Single(probe.Completed).TraceId);
        var entry = Assert.Single(await new StreamProbe(redis, stream).EntriesAsync());
        Assert.Contains(traceId.ToString(), entry[EntryFields.TraceParent].ToString(), StringComparison.Ordinal);

        await Wait.UntilAsync(() => spans.Of(traceId).Length == 3, Timeout, "three spans of the trace");
        var traced = spans.Of(traceId);

        var producer = Assert.Single(traced, span => span.Kind == ActivityKind.Producer);
        var consumer = Assert.Single(traced, span => span.Kind == ActivityKind.Consumer);
        Assert.Equal(producer.SpanId, consumer.ParentSpanId);
        Assert.Equal(stream, consumer.GetTagItem("messaging.destination.name"));
        Assert.Equal("test-service", consumer.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal(entry.Id.ToString(), consumer.GetTagItem("messaging.redis.entry.id"));
        Assert.Equal(nameof(ThingHappened), consumer.GetTagItem("messaging.message.type"));
    }

    [Fact]
    public async Task Trace_that_is_not_recorded_where_it_starts_is_not_recorded_by_the_consumer_either()
    {
        // A sampler that keeps nothing new and follows the parent's decision, as the services' ParentBasedSampler does:
        // the bus must carry "not sampled" in the entry, or every consumer would start recording half a trace.
        var stream = RedisFixture.UniqueName("orders");
        using var source = new ActivitySource(RedisFixture.UniqueName("test-source"));
        using var spans = new SpanRecorder(source, (ref ActivityCreationOptions<ActivityContext> options) =>
            options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData);
        var probe = new HandlerProbe();
        using var host = await TestBus.Build(redis, stream, probe).StartedAsync();

        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /orders"))
        {
            Assert.False(request!.Recorded);
            traceId = request.TraceId;
            await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new ThingHappened("not traced", 1), _cancellation);
        }

        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the handler");
        Assert.Equal(traceId.ToString(), Assert.Single(probe.Completed).TraceId);
        var traceParent = Assert.Single(await new StreamProbe(redis, stream).EntriesAsync())[EntryFields.TraceParent].ToString();
        Assert.EndsWith("-00", traceParent, StringComparison.Ordinal);

        await Wait.UntilAsync(() => spans.Of(traceId).Any(span => span.Kind == ActivityKind.Consumer), Timeout, "the consumer span");
        Assert.All(spans.Of(traceId), span => Assert.False(span.Recorded));
        var consumer = Assert.Single(spans.Of(traceId), span => span.Kind == ActivityKind.Consumer);
        Assert.Empty(consumer.TagObjects);
    }
}
