using Microsoft.Extensions.Options;
using Shop.Messaging.Events;
using Shop.StreamsConsole.Configuration;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Reading;

/// <summary>Turns a Redis stream entry into what the console shows: fields as text, the contract's fields picked out.</summary>
internal sealed class EntryViews(IOptions<ConsoleOptions> options)
{
    public EntryView From(string key, StreamEntry entry)
    {
        var fields = (entry.Values ?? []).Select(field => new FieldView((string)field.Name!, (string?)field.Value ?? "")).ToList();
        var traceParent = Field(fields, EntryFields.TraceParent);
        return new EntryView(key, (string)entry.Id!, EntryId.Time((string)entry.Id!), Field(fields, EntryFields.Type),
            Field(fields, EntryFields.Id), traceParent, TraceUrl(traceParent), fields);
    }

    public static string? Field(IReadOnlyList<FieldView> fields, string name) =>
        fields.FirstOrDefault(field => field.Name == name)?.Value;

    /// <summary>
    /// <c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c> → the dashboard's page of that trace; null without a
    /// dashboard address or with a <c>traceparent</c> that is not W3C's.
    /// </summary>
    private string? TraceUrl(string? traceParent)
    {
        if (options.Value.DashboardUrl is not { } dashboard || traceParent?.Split('-') is not [_, { Length: 32 } traceId, _, _]
            || !traceId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        return new Uri(dashboard, $"/traces/detail/{traceId}").ToString();
    }
}
