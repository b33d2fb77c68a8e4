using System.Diagnostics;

namespace Shop.Bench;

/// <summary>Publish → handler latencies of one run, in Stopwatch ticks, and their percentiles.</summary>
internal sealed class Latency(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Record(long sentTimestamp) => Record(sentTimestamp, Stopwatch.GetTimestamp());

    public void Record(long sentTimestamp, long arrivedTimestamp)
    {
        var elapsed = arrivedTimestamp - sentTimestamp;
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = elapsed;
        }
    }

    public LatencySummary Summarize(int skipWarmUp)
    {
        var sorted = _ticks.AsSpan(skipWarmUp, Math.Min(Count, _ticks.Length) - skipWarmUp).ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => sorted.Length == 0 ? double.NaN
            : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return new LatencySummary(sorted.Length, Percentile(50), Percentile(90), Percentile(99), Percentile(99.9), Percentile(100));
    }
}

/// <summary>Milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max);
