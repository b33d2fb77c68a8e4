using System.ComponentModel.DataAnnotations;

namespace Shop.StreamsConsole.Configuration;

/// <summary><c>Console:*</c>: what the streams console may do and how it shows what it reads.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string SectionName = "Console";

    /// <summary>
    /// Whether dead letters may be replayed (re-published into their stream, then removed). Off by default: the
    /// console only reads until an operator turns this on.
    /// </summary>
    public bool AllowReplay { get; set; }

    /// <summary>
    /// A secret the AppHost's dashboard command sends in the <c>X-Console-Command-Key</c> header to replay every dead
    /// letter (a header a browser on another site cannot send; the page itself uses an antiforgery token instead).
    /// No key: the command endpoint refuses every call.
    /// </summary>
    [MinLength(16)]
    public string? CommandKey { get; set; }

    /// <summary>The Aspire dashboard's address: a <c>traceparent</c> becomes a link to its trace there.</summary>
    public Uri? DashboardUrl { get; set; }

    /// <summary>
    /// The services' <c>Messaging:ReclaimAfter</c>: a pending entry idle this long is next for XAUTOCLAIM, and the
    /// console marks it so. Read from the same key the services read.
    /// </summary>
    public TimeSpan ReclaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a live page gets a fresh view (Server-Sent Events; a view is sent only when it changed).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Live views (Server-Sent Events connections) served at once; one more is answered 503 with ProblemDetails. Each
    /// costs a connection and a Redis read per <see cref="RefreshInterval"/>, so an unbounded number would let any client
    /// that can reach the console load Redis at will.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxLiveViews { get; set; } = 32;

    /// <summary>Entries per page on a stream's page and on the dead-letter page.</summary>
    [Range(1, 500)]
    public int PageSize { get; set; } = 50;

    /// <summary>Pending entries listed per group and partition.</summary>
    [Range(1, 1000)]
    public int PendingListed { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReclaimAfter <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Messaging:ReclaimAfter must be positive.", [nameof(ReclaimAfter)]);
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(100) || RefreshInterval > TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Console:RefreshInterval must be between 00:00:00.100 and 00:00:01 (pages are at most 1 s behind).", [nameof(RefreshInterval)]);
        }

        if (DashboardUrl is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult("Console:DashboardUrl must be an absolute address.", [nameof(DashboardUrl)]);
        }
    }
}
