using OpenTelemetry.Trace;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// Decides for each new trace (a root span: a request from outside, a periodic job's run) whether it is recorded: all of
/// them while fewer than <c>tracesPerSecond</c> start a second, and that many a second when more start (a token bucket
/// that holds one second's worth, so a short burst is kept whole). At teaching rates every order is traced; at a
/// thousand orders a second fifty are, and the other traces cost almost nothing.
/// </summary>
/// <remarks>
/// Wrap it in <see cref="ParentBasedSampler"/>: only roots are decided here, and every span below follows its parent's
/// decision, which travels in the trace context — the <c>traceparent</c> header and the bus's stream entries — so a
/// trace is kept whole across the services or not at all.
/// </remarks>
public sealed class RateLimitedSampler : Sampler
{
    private static readonly SamplingResult Recorded = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Dropped = new(SamplingDecision.Drop);

    private readonly double _perSecond;
    private readonly double _capacity;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledAt;

    public RateLimitedSampler(double tracesPerSecond, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tracesPerSecond);
        _perSecond = tracesPerSecond;
        _capacity = Math.Max(1, tracesPerSecond);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _tokens = _capacity;
        _refilledAt = _timeProvider.GetTimestamp();
        Description = $"RateLimitedSampler{{{tracesPerSecond}/s}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_timeProvider.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
            _refilledAt = now;
            if (_tokens < 1)
            {
                return Dropped;
            }

            _tokens--;
            return Recorded;
        }
    }
}
