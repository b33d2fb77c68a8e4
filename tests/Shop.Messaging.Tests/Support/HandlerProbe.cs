using System.Collections.Concurrent;
using System.Diagnostics;
using Shop.Messaging.Consuming;

namespace Shop.Messaging.Tests.Support;

/// <summary>What a test's handler saw, and what it should do: record every call, then run the test's behaviour.</summary>
public sealed class HandlerProbe
{
    private readonly ConcurrentQueue<HandlerCall> _started = new();
    private readonly ConcurrentQueue<HandlerCall> _completed = new();

    /// <summary>The test's behaviour; by default the handler succeeds at once.</summary>
    public Func<ThingHappened, DeliveryContext, CancellationToken, Task> Behaviour { get; set; } = (_, _, _) => Task.CompletedTask;

    public IReadOnlyCollection<HandlerCall> Started => _started;

    public IReadOnlyCollection<HandlerCall> Completed => _completed;

    public async Task HandleAsync(ThingHappened @event, DeliveryContext context, CancellationToken cancellationToken)
    {
        var call = new HandlerCall(@event, context.Stream, context.Consumer, context.EntryId, context.EventId,
            context.DeliveryCount, Activity.Current?.TraceId.ToString(), DateTimeOffset.UtcNow);
        _started.Enqueue(call);
        await Behaviour(@event, context, cancellationToken);
        _completed.Enqueue(call);
    }
}

public sealed record HandlerCall(
    ThingHappened Event,
    string Stream,
    string Consumer,
    string EntryId,
    Guid EventId,
    long DeliveryCount,
    string? TraceId,
    DateTimeOffset At);
