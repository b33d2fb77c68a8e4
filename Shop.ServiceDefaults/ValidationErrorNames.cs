using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Shop.ServiceDefaults;

/// <summary>
/// Names each field of a validation problem's <c>errors</c> as the request's JSON does: ASP.NET Core's validation
/// (<c>AddValidation()</c>) names the C# path (<c>Items[0].Sku</c>) and does not follow the JSON naming policy yet
/// (dotnet/aspnetcore#61764), while a client sent, and looks for, <c>items[0].sku</c>.
/// </summary>
internal static partial class ValidationErrorNames
{
    public static void UseJsonNames(HttpValidationProblemDetails problem)
    {
        var errors = problem.Errors.ToList();
        problem.Errors.Clear();
        foreach (var (path, messages) in errors)
        {
            problem.Errors[JsonName(path)] = messages;
        }
    }

    /// <summary>
    /// Each C# member of the path camel-cased: <c>Items[0].Sku</c> → <c>items[0].sku</c>. A name that is no C# member
    /// (a header's, <c>Idempotency-Key</c>, set by an endpoint) is the client's already and stays.
    /// </summary>
    private static string JsonName(string path) => string.Join('.', path.Split('.').Select(segment =>
        MemberName().IsMatch(segment) ? JsonNamingPolicy.CamelCase.ConvertName(segment) : segment));

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9_]*(\[[0-9]+\])*$")]
    private static partial Regex MemberName();
}
