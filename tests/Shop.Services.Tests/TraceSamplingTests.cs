using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Services.Tests;

/// <summary>
/// The services' sampler inside a real OpenTelemetry tracer provider: new traces are recorded up to the rate, and every
/// span below a root — in this process or, through the propagated context, in another service — follows the root.
/// </summary>
public sealed class TraceSamplingTests
{
    [Fact]
    public void New_traces_are_recorded_up_to_the_rate_and_their_spans_follow_the_root_wherever_they_start()
    {
        var time = new FakeTimeProvider();
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetSampler(new ParentBasedSampler(new RateLimitedSampler(2, time)))
            .Build();

        // Three orders in the same instant at 2 traces/s: the first two are recorded, the third is not.
        var roots = Enumerable.Range(0, 3).Select(_ => StartRoot(source)).ToList();
        Assert.All(roots, root => Assert.NotNull(root));
        Assert.Equal([true, true, false], roots.Select(root => root!.Recorded));

        // Downstream, in another service: the consumer's span is started from the context the stream entry carried.
        foreach (var root in roots)
        {
            var propagated = ActivityContext.Parse(root!.Id!, null);
            Activity.Current = null;
            using var consumer = source.StartActivity("orders process", ActivityKind.Consumer, propagated);
            Assert.Equal(root.Recorded, consumer?.Recorded ?? false);
            if (consumer is not null)
            {
                Assert.Equal(root.TraceId, consumer.TraceId);
            }

            root.Dispose();
        }

        // The rate is per second: half a second later one more new trace is recorded, and the next is not.
        time.Advance(TimeSpan.FromMilliseconds(500));
        using (var again = StartRoot(source))
        {
            Assert.True(again?.Recorded);
        }

        using var beyond = StartRoot(source);
        Assert.False(beyond?.Recorded ?? false);
    }

    /// <summary>A new trace: started with nothing current, as a request from outside is.</summary>
    private static Activity? StartRoot(ActivitySource source)
    {
        Activity.Current = null;
        return source.StartActivity("POST /orders", ActivityKind.Server);
    }

    [Fact]
    public void A_rate_that_is_not_positive_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitedSampler(0));
    }
}
