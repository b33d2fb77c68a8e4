using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.StreamsConsole.Configuration;
using Shop.StreamsConsole.Reading;
using Shop.StreamsConsole.Replay;
using Shop.StreamsConsole.Telemetry;

namespace Shop.StreamsConsole.Api;

/// <summary>
/// <c>/api/dead-letters</c>: every stream's dead letters (live under <c>/api/live/dead-letters</c>), and the replays.
/// The page replays with form posts carrying an antiforgery token (validated before the endpoint runs: a missing or
/// foreign token is a 400); the dashboard's command sends the AppHost's key in a header instead. Both are refused
/// with 403 unless <c>Console:AllowReplay</c> is true, and every replay and refusal is logged.
/// </summary>
internal static class DeadLettersEndpoints
{
    public const string CommandKeyHeader = "X-Console-Command-Key";

    public static IEndpointRouteBuilder MapDeadLettersEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Dead letters");
        api.MapGet("/dead-letters", (DeadLetters deadLetters, CancellationToken cancellationToken) => deadLetters.ReadAsync(cancellationToken))
            .WithName("ListDeadLetters");
        api.MapGet("/live/dead-letters", (DeadLetters deadLetters, LiveSettings settings, CancellationToken cancellationToken) =>
            LiveView.Of(deadLetters.ReadAsync, ConsoleJsonContext.Default.DeadLettersPage, settings.Interval, settings.Time, cancellationToken))
            .RequireRateLimiting(LiveViewLimit.Policy);
        // Every replay, whoever asks, is refused the same way unless replay is allowed: one filter before all of them.
        var replays = api.MapGroup("").AddEndpointFilter(RefuseUnlessReplayIsAllowedAsync);
        replays.MapPost("/dead-letters/replay", ReplayOneAsync).WithName("ReplayDeadLetter");
        replays.MapPost("/dead-letters/replay-type", ReplayTypeAsync).WithName("ReplayDeadLettersOfType");
        replays.MapPost("/commands/replay-dead-letters", ReplayAllAsync).WithName("ReplayAllDeadLetters")
            // The AppHost's command posts no form: the key in its header is what proves where it comes from.
            .DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Ok<ReplayedEntry>, ProblemHttpResult, ValidationProblem>> ReplayOneAsync(
        [FromForm] ReplayOneForm form, HttpContext context, DeadLetterReplayer replayer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(form.Key))
        {
            return ConsoleProblems.Missing("key");
        }

        if (!EntryId.IsValid(form.Id))
        {
            return ConsoleProblems.MalformedId("id", form.Id);
        }

        if (!await replayer.IsDeadLetterKeyAsync(form.Key, cancellationToken))
        {
            return ConsoleProblems.NoSuchDeadLetterStream(form.Key);
        }

        return await replayer.ReplayAsync(form.Key, form.Id, RequestedBy(context)) is { } replayed
            ? TypedResults.Ok(replayed)
            : ConsoleProblems.NoSuchDeadLetter(form.Key, form.Id);
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult, ValidationProblem>> ReplayTypeAsync(
        [FromForm] ReplayTypeForm form, HttpContext context, StreamCatalog catalog, DeadLetterReplayer replayer,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(form.Stream))
        {
            return ConsoleProblems.Missing("stream");
        }

        if (string.IsNullOrEmpty(form.Type))
        {
            return ConsoleProblems.Missing("type");
        }

        return await catalog.FindAsync(form.Stream, cancellationToken) is { } stream
            ? TypedResults.Ok(await replayer.ReplayTypeAsync(stream, form.Type, RequestedBy(context)))
            : ConsoleProblems.NoSuchStream(form.Stream);
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(
        HttpContext context, DeadLetterReplayer replayer, IOptions<ConsoleOptions> options, ILogger<DeadLetterReplayer> logger,
        CancellationToken cancellationToken)
    {
        var sent = context.Request.Headers[CommandKeyHeader].ToString();
        if (options.Value.CommandKey is not { } key
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(key)))
        {
            ConsoleLog.ReplayRefused(logger, "no or a wrong command key", RequestedBy(context));
            return ConsoleProblems.WrongCommandKey();
        }

        return TypedResults.Ok(await replayer.ReplayAllAsync($"the dashboard's command ({RequestedBy(context)})", cancellationToken));
    }

    /// <summary>403 (logged) for a replay while <c>Console:AllowReplay</c> is false; after antiforgery and form binding, before the endpoint.</summary>
    private static async ValueTask<object?> RefuseUnlessReplayIsAllowedAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (context.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.AllowReplay)
        {
            return await next(invocation);
        }

        ConsoleLog.ReplayRefused(context.RequestServices.GetRequiredService<ILogger<DeadLetterReplayer>>(), "Console:AllowReplay is false", RequestedBy(context));
        return ConsoleProblems.ReplayNotAllowed();
    }

    private static string RequestedBy(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "an unknown address";
}
