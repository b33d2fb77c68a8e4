namespace Shop.StreamsConsole.Api;

/// <summary>
/// The headers that keep the console's page its own: it loads scripts, styles and data from itself only
/// (<c>Content-Security-Policy: default-src 'self'</c>, so an entry's content shown on the page can never run as code),
/// no other site may frame it (<c>frame-ancestors 'none'</c>: no click-jacking of the replay button), the browser takes
/// each response for the type it says it is (<c>nosniff</c>), and no address leaks to the trace links' site.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            await next(context);
        });
}
