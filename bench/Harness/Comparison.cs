namespace Shop.Bench.Harness;

/// <summary>A variant's median divided by its baseline's median, both measured in this run on the same server.</summary>
internal sealed record Comparison(string Scenario, string Metric, string Variant, string Baseline, double Ratio);
