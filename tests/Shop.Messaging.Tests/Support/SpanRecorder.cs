using System.Diagnostics;
using Shop.Messaging.Telemetry;

namespace Shop.Messaging.Tests.Support;

/// <summary>
/// Listens to a test's own activity source and the bus's, samples as the test says (as a tracer provider's sampler
/// would), and keeps every span that stopped, recorded or not.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly List<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public SpanRecorder(ActivitySource source, SampleActivity<ActivityContext> sample)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = candidate => candidate.Name == source.Name || candidate.Name == MessagingTelemetry.ActivitySourceName,
            Sample = sample,
            ActivityStopped = activity =>
            {
                lock (_stopped)
                {
                    _stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans of <paramref name="traceId"/> that have stopped so far.</summary>
    public Activity[] Of(ActivityTraceId traceId)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(span => span.TraceId == traceId)];
        }
    }

    public void Dispose() => _listener.Dispose();
}
