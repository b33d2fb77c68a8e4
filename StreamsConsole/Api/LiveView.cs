using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Api;

/// <summary>
/// A page that keeps itself up to date: the view is read again every <c>Console:RefreshInterval</c> and sent as a
/// Server-Sent Event <c>view</c> whenever its JSON changed (the first one at once). While Redis does not answer, an
/// <c>unavailable</c> event says why, and reading goes on.
/// </summary>
internal static class LiveView
{
    public static ServerSentEventsResult<string> Of<T>(
        Func<CancellationToken, Task<T>> read, JsonTypeInfo<T> json, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Events(read, json, interval, time, cancellationToken));

    private static async IAsyncEnumerable<SseItem<string>> Events<T>(
        Func<CancellationToken, Task<T>> read, JsonTypeInfo<T> json, TimeSpan interval, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        string? last = null;
        do
        {
            var (view, problem) = await TryReadAsync(read, json, cancellationToken);
            if (problem is not null)
            {
                last = null;
                yield return new SseItem<string>(JsonSerializer.Serialize(problem, ConsoleJsonContext.Default.String), "unavailable");
            }
            else if (view != last)
            {
                last = view;
                yield return new SseItem<string>(view!, "view");
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private static async Task<(string? View, string? Problem)> TryReadAsync<T>(
        Func<CancellationToken, Task<T>> read, JsonTypeInfo<T> json, CancellationToken cancellationToken)
    {
        try
        {
            return (JsonSerializer.Serialize(await read(cancellationToken), json), null);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return (null, exception.Message);
        }
    }
}
