using System.Diagnostics;

namespace Shop.Bench.Harness;

/// <summary>Latencies of one repetition, in Stopwatch ticks, and their percentiles in milliseconds.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>When the first sample arrived (Stopwatch timestamp).</summary>
    public long FirstArrival { get; private set; }

    /// <summary>When the sample that filled the recorder arrived (Stopwatch timestamp).</summary>
    public long LastArrival { get; private set; }

    /// <summary>Samples per second between the first and the last arrival: startup time does not count.</summary>
    public double ArrivalRate => (_ticks.Length - 1) * (double)Stopwatch.Frequency / (LastArrival - FirstArrival);

    public void Record(long sentTimestamp) => Record(sentTimestamp, Stopwatch.GetTimestamp());

    public void Record(long sentTimestamp, long arrivedTimestamp)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = arrivedTimestamp - sentTimestamp;
        }

        if (index == 0)
        {
            FirstArrival = arrivedTimestamp;
        }
        else if (index == _ticks.Length - 1)
        {
            LastArrival = arrivedTimestamp;
        }
    }

    /// <summary>Percentiles of everything recorded after the first <paramref name="skipWarmUp"/> samples.</summary>
    public LatencySummary Summarize(int skipWarmUp)
    {
        var recorded = Math.Min(Count, _ticks.Length);
        var sorted = _ticks.AsSpan(Math.Min(skipWarmUp, recorded), recorded - Math.Min(skipWarmUp, recorded)).ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => sorted.Length == 0 ? double.NaN
            : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
        return new LatencySummary(sorted.Length, Percentile(50), Percentile(90), Percentile(99), Percentile(99.9), Percentile(100));
    }
}

/// <summary>Milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max)
{
    /// <summary>Adds the percentiles of every repetition of <paramref name="variant"/> to the report.</summary>
    public static void Report(BenchReport report, string scenario, string variant, IReadOnlyList<LatencySummary> runs)
    {
        report.Add(scenario, variant, "p50", "ms", [.. runs.Select(run => run.P50)]);
        report.Add(scenario, variant, "p90", "ms", [.. runs.Select(run => run.P90)]);
        report.Add(scenario, variant, "p99", "ms", [.. runs.Select(run => run.P99)]);
        report.Add(scenario, variant, "p99.9", "ms", [.. runs.Select(run => run.P999)]);
        report.Add(scenario, variant, "max", "ms", [.. runs.Select(run => run.Max)]);
    }
}
