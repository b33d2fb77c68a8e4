using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.ServiceDefaults;

/// <summary>
/// <c>AddServiceDefaults()</c> and <c>MapDefaultEndpoints()</c>: the cross-cutting setup every Shop service shares,
/// so a service's Program.cs says only what is particular to it.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the checks that say "alive" (the process answers); every check counts for "ready".</summary>
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.Services.AddOptions<HttpLimitsOptions>()
            .Bind(builder.Configuration.GetSection(HttpLimitsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<HttpLimitsOptions>>((kestrel, limits) =>
            {
                kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = limits.Value.MaxRequestHeadersBytes;
            });
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Say what was wrong with the request (e.g. "…from the request body as JSON"): the message of a
            // BadHttpRequestException is written for the client and holds no internals.
            if (context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException badRequest)
            {
                context.ProblemDetails.Detail = badRequest.Message;
            }
            else if (context.ProblemDetails is Microsoft.AspNetCore.Http.HttpValidationProblemDetails validation)
            {
                ValidationErrorNames.UseJsonNames(validation);
            }
            else if (DatabaseOutage.Is(context.Exception))
            {
                context.ProblemDetails.Detail = "The service's database cannot be reached at the moment; nothing was changed. Try again shortly.";
                context.HttpContext.Response.Headers.RetryAfter = ((int)DatabaseOutage.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        // After the default writer: ProblemDetails also for a client whose Accept header takes no JSON.
        builder.Services.AddSingleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ProblemDetailsForAnyClient>();
        return builder;
    }

    private static void ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOptions<TracingOptions>()
            .Bind(builder.Configuration.GetSection(TracingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing =>
            {
                // New traces up to a rate, each kept whole across the services (the decision travels with the context),
                // unless the operator chose a sampler the standard way (OTEL_TRACES_SAMPLER), which the SDK then applies.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_TRACES_SAMPLER"]))
                {
                    tracing.SetSampler(services => new ParentBasedSampler(new RateLimitedSampler(
                        services.GetRequiredService<IOptions<TracingOptions>>().Value.TracesPerSecond, services.GetService<TimeProvider>())));
                }

                tracing.AddSource(builder.Environment.ApplicationName)
                    // Health probes every few seconds would bury the traces that matter.
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"))
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation(ef =>
                    {
                        // Background polls (the outbox sweep, the saga's deadline scan, pruning) query outside any request or
                        // delivery: a trace of one SELECT every few seconds would bury the orders' traces. The filter runs
                        // with the command's own span current, so "inside a trace" means that span has a parent.
                        ef.Filter = (_, _) => Activity.Current?.Parent is not null;
                        // SQLite's "server" is its file, a full machine path in every span: the file's name says which database.
                        ef.EnrichWithIDbCommand = (activity, _) =>
                        {
                            foreach (var tag in (ReadOnlySpan<string>)["peer.service", "server.address"])
                            {
                                if (activity.GetTagItem(tag) is string path && Path.IsPathRooted(path))
                                {
                                    activity.SetTag(tag, Path.GetFileName(path));
                                }
                            }
                        };
                    });
            });

        // The AppHost sets the endpoint; run alone, a service exports nothing and costs nothing.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    /// <summary><c>/health</c>: ready (every check, Redis and the database included); <c>/alive</c>: the process answers.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        return app;
    }
}
