using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.StreamsConsole.Api;

/// <summary>The console's answers to requests it cannot serve, as RFC 9457 ProblemDetails.</summary>
internal static class ConsoleProblems
{
    public static ProblemHttpResult NoSuchStream(string stream) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "No such stream", detail: $"Redis holds no stream called '{stream}'.");

    public static ProblemHttpResult NoSuchDeadLetter(string key, string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "No such dead letter",
        detail: $"'{key}' holds no entry {id}: it was replayed already, or never there.");

    public static ProblemHttpResult NoSuchDeadLetterStream(string key) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "No such dead-letter stream", detail: $"Redis holds no dead-letter stream called '{key}'.");

    public static ValidationProblem MalformedId(string field, string? id) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [$"'{id}' is not a stream entry id (<milliseconds>-<sequence>, e.g. 1733212800000-0)."] });

    public static ValidationProblem Missing(string field) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [$"'{field}' is required."] });

    public static ProblemHttpResult ReplayNotAllowed() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "Replay is turned off",
        detail: "This console only reads. Set Console:AllowReplay=true to let it replay dead letters.");

    public static ProblemHttpResult WrongCommandKey() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "Not the AppHost's command",
        detail: "This endpoint serves the dashboard's command, which sends the key the AppHost gave this console (Console:CommandKey).");
}
