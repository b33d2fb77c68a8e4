namespace Shop.Messaging.Consuming;

/// <summary>
/// The <c>error</c> field of a dead letter: every exception of the chain, outer to inner, as <c>Type: message</c>
/// joined by <c> ---> </c>, without stack traces. The outer exception alone often says only "see the inner exception"
/// (EF Core's <c>DbUpdateException</c>), and an operator deciding whether a fix allows a replay needs the inner one.
/// </summary>
internal static class FailureReason
{
    private const int MaxLength = 4096;

    public static string Of(Exception failure)
    {
        var parts = new List<string>();
        for (var exception = failure; exception is not null; exception = exception.InnerException)
        {
            parts.Add($"{exception.GetType().FullName}: {exception.Message}");
        }

        var reason = string.Join(" ---> ", parts);
        return reason.Length <= MaxLength ? reason : reason[..MaxLength];
    }
}
