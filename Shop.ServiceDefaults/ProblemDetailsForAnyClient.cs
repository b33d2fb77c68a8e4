using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Shop.ServiceDefaults;

/// <summary>
/// The last resort of <see cref="IProblemDetailsService"/>: ASP.NET Core's own writer explains a refusal as
/// <c>application/problem+json</c> only to a client whose <c>Accept</c> header takes JSON, and any other client gets a
/// plain-text status line. A refusal is explained the same way to every client (RFC 9457), so this writer, registered
/// after the default one, writes the ProblemDetails for the clients the default declined.
/// </summary>
internal sealed class ProblemDetailsForAnyClient(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ??= context.HttpContext.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            problem, ProblemDetailsJsonContext.Default.ProblemDetails, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
