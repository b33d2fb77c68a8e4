namespace Shop.Bench.Harness;

/// <summary>
/// One measured quantity of one variant in one scenario, with every repetition kept: the median is the figure,
/// the range (min–max) is its spread.
/// </summary>
internal sealed record Figure(string Scenario, string Variant, string Metric, string Unit, IReadOnlyList<double> Runs)
{
    public double Median => Percentile(Runs, 50);

    public double Min => Runs.Min();

    public double Max => Runs.Max();

    private static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var middle = (sorted.Length - 1) * percentile / 100;
        var low = (int)Math.Floor(middle);
        var high = (int)Math.Ceiling(middle);
        return sorted[low] + ((sorted[high] - sorted[low]) * (middle - low));
    }
}
