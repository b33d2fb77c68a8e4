using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary><c>Tracing:*</c>: how many traces a service records (see <see cref="RateLimitedSampler"/>).</summary>
public sealed class TracingOptions
{
    public const string SectionName = "Tracing";

    /// <summary>
    /// New traces recorded per second, at most, per process; beyond it, traces are sampled to this rate. The default keeps
    /// every order at the rates a person watches in the dashboard, and spares the CPU under load (measured in the bench's
    /// publish scenario).
    /// </summary>
    [Range(0.01, 1_000_000)]
    public double TracesPerSecond { get; set; } = 50;
}
