using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults;

/// <summary>
/// <c>Http:*</c>: how much a client may send. Shop's requests are small (an order of 100 lines is ~6 KB), so anything
/// near the limits is a mistake or an attack, answered 413 (body) or 400 before it costs memory or time.
/// </summary>
public sealed class HttpLimitsOptions
{
    public const string SectionName = "Http";

    /// <summary>The largest request body accepted; larger → 413 ProblemDetails.</summary>
    [Range(1_024, 10 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The largest request line and headers together (Kestrel's limit per header block); larger → 431.</summary>
    [Range(1_024, 1024 * 1024)]
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;
}
