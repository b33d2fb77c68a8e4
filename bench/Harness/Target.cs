namespace Shop.Bench.Harness;

/// <summary>A target from the benchmarks issue, checked against a median measured in this run.</summary>
internal sealed record Target(string Name, double Measured, string Unit, string Goal, bool Met);
