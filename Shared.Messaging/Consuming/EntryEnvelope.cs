using System.Globalization;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>The contract's fields of an entry, checked. An entry that fails the check is dead-lettered at once.</summary>
internal sealed record EntryEnvelope(
    Guid EventId,
    string TypeName,
    string Data,
    DateTimeOffset OccurredAt,
    string? Source,
    string? TraceParent,
    string? TraceState)
{
    public static EntryEnvelope? TryParse(StreamEntry entry, out string? error)
    {
        string? id = null, type = null, data = null, occurredAt = null, source = null, traceParent = null, traceState = null;
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case EntryFields.Id: id = field.Value; break;
                case EntryFields.Type: type = field.Value; break;
                case EntryFields.Data: data = field.Value; break;
                case EntryFields.OccurredAt: occurredAt = field.Value; break;
                case EntryFields.Source: source = field.Value; break;
                case EntryFields.TraceParent: traceParent = field.Value; break;
                case EntryFields.TraceState: traceState = field.Value; break;
            }
        }

        error = (id, type, data, occurredAt) switch
        {
            (null or "", _, _, _) => $"The entry has no '{EntryFields.Id}' field.",
            (_, null or "", _, _) => $"The entry has no '{EntryFields.Type}' field.",
            (_, _, null, _) => $"The entry has no '{EntryFields.Data}' field.",
            (_, _, _, null) => $"The entry has no '{EntryFields.OccurredAt}' field.",
            _ => null,
        };
        if (error is not null)
        {
            return null;
        }

        if (!Guid.TryParse(id, out var eventId))
        {
            error = $"The '{EntryFields.Id}' field is not a GUID: '{Truncate(id!)}'.";
            return null;
        }

        if (!DateTimeOffset.TryParse(occurredAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            error = $"The '{EntryFields.OccurredAt}' field is not an ISO-8601 time: '{Truncate(occurredAt!)}'.";
            return null;
        }

        return new EntryEnvelope(eventId, type!, data!, when.ToUniversalTime(), source, traceParent, traceState);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
