using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shop.StreamsConsole.Configuration;
using Shop.StreamsConsole.Reading;

namespace Shop.StreamsConsole.Api;

/// <summary>
/// <c>/api/streams</c>: every stream, one stream's entries, its groups — each also live under <c>/api/live/…</c> as
/// Server-Sent Events; and <c>/api/session</c>, what the page needs to start.
/// </summary>
internal static class StreamsEndpoints
{
    public static IEndpointRouteBuilder MapStreamsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Streams");
        api.MapGet("/session", Session).WithName("Session");
        api.MapGet("/streams", (StreamSummaries summaries, CancellationToken cancellationToken) => summaries.ReadAsync(cancellationToken))
            .WithName("ListStreams");
        api.MapGet("/streams/{stream}/entries", EntriesAsync).WithName("StreamEntries");
        api.MapGet("/streams/{stream}/groups", GroupsAsync).WithName("StreamGroups");

        var live = app.MapGroup("/api/live").WithTags("Live").RequireRateLimiting(LiveViewLimit.Policy);
        live.MapGet("/streams", (StreamSummaries summaries, LiveSettings settings, CancellationToken cancellationToken) =>
            LiveView.Of(summaries.ReadAsync, ConsoleJsonContext.Default.IReadOnlyListStreamSummary, settings.Interval, settings.Time, cancellationToken));
        live.MapGet("/streams/{stream}/entries", LiveEntriesAsync);
        live.MapGet("/streams/{stream}/groups", LiveGroupsAsync);
        return app;
    }

    // The token comes whether replay is allowed or not: a replay refused for that reason is a 403, not a token error.
    private static ConsoleSession Session(HttpContext context, IAntiforgery antiforgery, IOptions<ConsoleOptions> options) =>
        new(options.Value.AllowReplay,
            antiforgery.GetAndStoreTokens(context).RequestToken,
            options.Value.DashboardUrl?.ToString(),
            (long)options.Value.ReclaimAfter.TotalMilliseconds);

    private static async Task<Results<Ok<EntryPage>, ProblemHttpResult, ValidationProblem>> EntriesAsync(
        string stream, string? before, StreamCatalog catalog, StreamEntries entries, CancellationToken cancellationToken)
    {
        if (before is not null && !EntryId.IsValid(before))
        {
            return ConsoleProblems.MalformedId(nameof(before), before);
        }

        return await catalog.FindAsync(stream, cancellationToken) is { } found
            ? TypedResults.Ok(await entries.ReadAsync(found, before))
            : ConsoleProblems.NoSuchStream(stream);
    }

    private static async Task<Results<Ok<GroupsPage>, ProblemHttpResult>> GroupsAsync(
        string stream, StreamCatalog catalog, GroupDetails groups, CancellationToken cancellationToken) =>
        await catalog.FindAsync(stream, cancellationToken) is { } found
            ? TypedResults.Ok(await groups.ReadAsync(found))
            : ConsoleProblems.NoSuchStream(stream);

    private static async Task<IResult> LiveEntriesAsync(
        string stream, string? before, StreamCatalog catalog, StreamEntries entries, LiveSettings settings, CancellationToken cancellationToken)
    {
        if (before is not null && !EntryId.IsValid(before))
        {
            return ConsoleProblems.MalformedId(nameof(before), before);
        }

        return await catalog.FindAsync(stream, cancellationToken) is { } found
            ? LiveView.Of(async token => await entries.ReadAsync(await catalog.FindAsync(stream, token) ?? found, before),
                ConsoleJsonContext.Default.EntryPage, settings.Interval, settings.Time, cancellationToken)
            : ConsoleProblems.NoSuchStream(stream);
    }

    private static async Task<IResult> LiveGroupsAsync(
        string stream, StreamCatalog catalog, GroupDetails groups, LiveSettings settings, CancellationToken cancellationToken) =>
        await catalog.FindAsync(stream, cancellationToken) is { } found
            // The stream's keys are looked up on every refresh: a partition may appear while the page is open.
            ? LiveView.Of(async token => await groups.ReadAsync(await catalog.FindAsync(stream, token) ?? found),
                ConsoleJsonContext.Default.GroupsPage, settings.Interval, settings.Time, cancellationToken)
            : ConsoleProblems.NoSuchStream(stream);
}
