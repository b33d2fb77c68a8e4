using System.Globalization;
using Shop.Testing;

namespace Shop.Bench.Harness;

/// <summary>
/// How long and how often: <c>--quick</c> for a run under three minutes, the full run otherwise;
/// <c>--only publish,drain,layers,latency,outbox,orders,databases,cluster,replicas</c> picks scenarios; <c>--repetitions N</c> overrides the count.
/// </summary>
internal sealed record BenchSettings(bool Quick, int Repetitions, IReadOnlySet<string> Only, string ResultsDirectory)
{
    public static readonly string[] Scenarios = ["publish", "drain", "layers", "latency", "outbox", "orders", "databases", "cluster", "replicas"];

    /// <summary>Entries per repetition of a throughput scenario.</summary>
    public int ThroughputCount => Quick ? 50_000 : 200_000;

    /// <summary>Seconds per repetition of a fixed-rate latency scenario at 1,000/s (a tenth less at 10,000/s).</summary>
    public int LatencySeconds => Quick ? 2 : 15;

    public int OrderFlowSeconds => Quick ? 3 : 15;

    public int OrderFlowWarmUpSeconds => Quick ? 15 : 40;

    /// <summary>How long the warm services sit idle while their CPU is measured.</summary>
    public int IdleSeconds => Quick ? 10 : 30;

    /// <summary>How long the highest sustained rate is held once more, to see that no backlog grows.</summary>
    public int OrderFlowSoakSeconds => Quick ? 15 : 60;

    /// <summary>How long freshly started services are offered orders at once, before the warm-up.</summary>
    public int ColdStartSeconds => Quick ? 12 : 20;

    /// <summary>Repetitions of each latency variant: three variants at two rates, seconds each.</summary>
    public int LatencyRepetitions => Quick ? Math.Min(2, Repetitions) : Repetitions;

    /// <summary>Repetitions of each order rate: every one costs a few seconds of three processes.</summary>
    public int OrderFlowRepetitions => Quick ? Math.Min(2, Repetitions) : Repetitions;

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);

    public static BenchSettings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var repetitions = quick ? 3 : 5;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var results = Path.Combine(RepositoryRoot.Find() ?? Directory.GetCurrentDirectory(), "bench", "results");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repetitions" when i + 1 < args.Length:
                    repetitions = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--only" when i + 1 < args.Length:
                    only.UnionWith(args[++i].Split(','));
                    break;
                case "--results" when i + 1 < args.Length:
                    results = Path.GetFullPath(args[++i]);
                    break;
                case "--quick":
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --quick, --repetitions N, --only {string.Join(',', Scenarios)}, --results DIR.");
            }
        }

        if (only.FirstOrDefault(name => !Scenarios.Contains(name, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario '{unknown}'; the scenarios are {string.Join(", ", Scenarios)}.");
        }

        return new BenchSettings(quick, Math.Max(1, repetitions), only, results);
    }
}
