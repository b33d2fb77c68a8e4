using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Shop.ServiceDefaults;

/// <summary>The HTTP pipeline every Shop service shares.</summary>
public static class ServiceApiExtensions
{
    /// <summary>
    /// ProblemDetails for every error (RFC 9457), with no stack traces outside Development; the OpenAPI document at
    /// <c>/openapi/v1.json</c>, and the interactive Scalar UI at <c>/scalar</c> in Development only.
    /// </summary>
    public static WebApplication UseServiceApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A body that is not JSON, or a field of the wrong type, is the client's error: 400, not 500. A database that
        // cannot be reached is the service's passing state: 503, try again shortly (see DatabaseOutage).
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException badRequest => badRequest.StatusCode,
                _ when DatabaseOutage.Is(exception) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        app.Use(RefuseOversizedBodiesAsync);
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }

    /// <summary>
    /// A body whose declared length is over the limit (<c>Http:MaxRequestBodyBytes</c>) is refused before anything
    /// runs, with <c>Connection: close</c>. Left to the endpoint, a request it refuses without reading the body (a 415)
    /// would leave Kestrel an oversized body it cannot drain: it closes the connection after the answer without saying
    /// so, and the client's next request on that connection fails (the hostile-input suite found it).
    /// </summary>
    private static async Task RefuseOversizedBodiesAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            context.Response.Headers.Connection = "close";
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Detail = $"The request body is {length} bytes; at most {limit} are accepted." },
            }).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
