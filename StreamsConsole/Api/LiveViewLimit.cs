using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shop.StreamsConsole.Configuration;

namespace Shop.StreamsConsole.Api;

/// <summary>
/// At most <see cref="ConsoleOptions.MaxLiveViews"/> live views at once, console-wide: ASP.NET Core's rate limiter with
/// a concurrency limit and no queue, which holds a permit for the whole life of a Server-Sent Events response. One more
/// is answered at once with 503, a ProblemDetails body and <c>Retry-After</c>.
/// </summary>
internal static class LiveViewLimit
{
    public const string Policy = "live-views";

    private const int RetryAfterSeconds = 5;

    public static IServiceCollection AddLiveViewLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.AddPolicy(Policy, context => RateLimitPartition.GetConcurrencyLimiter("console", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.MaxLiveViews,
                QueueLimit = 0,
            }));
            limiter.OnRejected = async (rejected, _) =>
            {
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var limit = http.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.MaxLiveViews;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Title = "Too many live views",
                        Detail = $"The console serves at most {limit} live views at once (Console:MaxLiveViews). Close one, or try again in {RetryAfterSeconds} s.",
                    },
                });
            };
        });
}
