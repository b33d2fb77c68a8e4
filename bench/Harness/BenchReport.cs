using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Bench.Harness;

/// <summary>Everything one run measured: printed as Markdown tables and saved as JSON under <c>bench/results/</c>.</summary>
internal sealed class BenchReport(MachineInfo machine, BenchSettings settings, IReadOnlyDictionary<string, string> configuration)
{
    private readonly List<Figure> _figures = [];
    private readonly List<Comparison> _comparisons = [];
    private readonly List<Target> _targets = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Figure Add(string scenario, string variant, string metric, string unit, IReadOnlyList<double> runs)
    {
        var figure = new Figure(scenario, variant, metric, unit, runs);
        _figures.Add(figure);
        return figure;
    }

    /// <summary>Records <paramref name="variant"/> ÷ <paramref name="baseline"/> (medians) for one metric.</summary>
    public double Compare(string scenario, string metric, string variant, string baseline)
    {
        var ratio = Get(scenario, variant, metric).Median / Get(scenario, baseline, metric).Median;
        _comparisons.Add(new Comparison(scenario, metric, variant, baseline, ratio));
        return ratio;
    }

    public void Check(string name, double measured, string unit, string goal, bool met) =>
        _targets.Add(new Target(name, measured, unit, goal, met));

    public Figure Get(string scenario, string variant, string metric) =>
        Find(scenario, variant, metric) ?? throw new InvalidOperationException($"No figure {scenario} / {variant} / {metric}.");

    public Figure? Find(string scenario, string variant, string metric) =>
        _figures.SingleOrDefault(figure => figure.Scenario == scenario && figure.Variant == variant && figure.Metric == metric);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. {(settings.Quick ? "Quick run" : "Full run")}, {settings.Repetitions} repetitions (latency {settings.LatencyRepetitions}, order flow {settings.OrderFlowRepetitions}); median (min–max).");
        foreach (var scenario in _figures.Select(figure => figure.Scenario).Distinct())
        {
            var figures = _figures.Where(figure => figure.Scenario == scenario).ToList();
            var metrics = figures.Select(figure => (figure.Metric, figure.Unit)).Distinct().ToList();
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"**{scenario}**").AppendLine();
            text.Append("| variant |");
            foreach (var (metric, unit) in metrics)
            {
                text.Append(CultureInfo.InvariantCulture, $" {metric} ({unit}) |");
            }

            text.AppendLine().Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---:|", metrics.Count)));
            foreach (var variant in figures.Select(figure => figure.Variant).Distinct())
            {
                text.Append(CultureInfo.InvariantCulture, $"| {variant} |");
                foreach (var (metric, _) in metrics)
                {
                    var figure = figures.SingleOrDefault(f => f.Variant == variant && f.Metric == metric);
                    text.Append(figure is null ? " |" : $" {Format(figure.Median)} ({Format(figure.Min)}–{Format(figure.Max)}) |");
                }

                text.AppendLine();
            }

            foreach (var comparison in _comparisons.Where(c => c.Scenario == scenario))
            {
                text.AppendLine().Append(CultureInfo.InvariantCulture,
                    $"{comparison.Metric}: {comparison.Variant} ÷ {comparison.Baseline} = **{comparison.Ratio:0.00}×**");
            }

            text.AppendLine();
        }

        if (_targets.Count > 0)
        {
            text.AppendLine().AppendLine("**Targets**").AppendLine().AppendLine("| target | measured | goal | met |").AppendLine("|---|---:|---|---|");
            foreach (var target in _targets)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {target.Name} | {Format(target.Measured)} {target.Unit} | {target.Goal} | {(target.Met ? "yes" : "**no**")} |");
            }
        }

        return text.ToString();
    }

    public async Task<string> SaveAsync()
    {
        Directory.CreateDirectory(settings.ResultsDirectory);
        var name = $"{StartedAt:yyyy-MM-dd'T'HHmmss}-{(settings.Quick ? "quick" : "full")}.json";
        var path = Path.Combine(settings.ResultsDirectory, name);
        var document = new BenchResult(StartedAt, machine, settings.Quick, settings.Repetitions, configuration, _figures, _comparisons, _targets);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, document, BenchResultJsonContext.Default.BenchResult);
        return path;
    }

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0.0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.00", CultureInfo.InvariantCulture),
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };
}

/// <summary>The JSON document of one run.</summary>
internal sealed record BenchResult(
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    bool Quick,
    int Repetitions,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<Figure> Figures,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<Target> Targets);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchResult))]
internal sealed partial class BenchResultJsonContext : JsonSerializerContext;
