namespace Shop.StreamsConsole.Reading;

/// <summary>
/// Entries added per second, per stream: the change of Redis's <c>entries-added</c> counter (which trimming does not
/// lower) between two looks at least a second apart. A stream's first look has no rate yet (0).
/// </summary>
internal sealed class AdditionRates(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, Sample> _samples = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public double Observe(string stream, long entriesAdded)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_samples.TryGetValue(stream, out var sample))
            {
                _samples[stream] = new Sample(entriesAdded, now, 0);
                return 0;
            }

            var elapsed = now - sample.At;
            if (elapsed < Window)
            {
                return sample.Rate;
            }

            var rate = Math.Max(0, entriesAdded - sample.EntriesAdded) / elapsed.TotalSeconds;
            _samples[stream] = new Sample(entriesAdded, now, rate);
            return rate;
        }
    }

    private sealed record Sample(long EntriesAdded, DateTimeOffset At, double Rate);
}
