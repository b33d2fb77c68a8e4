using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Telemetry;

namespace Shop.Messaging.Consuming;

/// <summary>
/// The decode step: check the entry's fields (<see cref="EntryEnvelope"/>), find its event type and version, read its
/// JSON, check the event's rules (<see cref="IntegrationEvent.Validate"/>), and upcast an older version to the current
/// record. An entry with nothing to handle is settled here: a trimmed entry or a type without handler is skipped; a
/// malformed entry, an invalid event, an entry of a version this process does not read, or one delivered more than
/// <see cref="MessagingOptions.MaxDeliveries"/> times, is dead-lettered at once.
/// </summary>
internal sealed class EntryDecoder(
    EventCatalog catalog,
    HandlerRegistry handlers,
    DeadLetterWriter deadLetters,
    ConsumerIdentity identity,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    ILogger<EntryDecoder> logger)
{
    public async Task<Decoded> DecodeAsync(string key, Delivery delivery)
    {
        var settings = options.Value;
        if (delivery.Entry.Values is not { Length: > 0 })
        {
            // XREADGROUP from the pending list and XAUTOCLAIM return deleted (trimmed) entries without fields:
            // there is nothing left to handle, only the pending entry to clear.
            MessagingLog.EntryGone(logger, key, delivery.EntryId);
            metrics.Skipped(key, identity.Group);
            return new Decoded.Acknowledge(delivery);
        }

        var envelope = EntryEnvelope.TryParse(delivery.Entry, settings.MaxEntryBytes, out var malformed);
        if (envelope is null)
        {
            return await DeadLetterAsync(key, delivery, $"Malformed entry: {malformed}").ConfigureAwait(false);
        }

        if (delivery.DeliveryCount > settings.MaxDeliveries)
        {
            // Delivered more often than allowed without ever failing cleanly (e.g. its handler crashed the process):
            // do not run it again.
            return await DeadLetterAsync(key, delivery,
                $"Delivered {delivery.DeliveryCount} times, more than MaxDeliveries ({settings.MaxDeliveries}).").ConfigureAwait(false);
        }

        if (!catalog.TryGet(StreamNames.Parse(key).Stream, envelope.TypeName, out var contract) || !handlers.HasHandler(contract.Current.EventType))
        {
            MessagingLog.NoHandler(logger, key, delivery.EntryId, envelope.TypeName);
            metrics.Skipped(key, identity.Group);
            return new Decoded.Acknowledge(delivery);
        }

        if (!contract.Readers.TryGetValue(envelope.Version, out var reader))
        {
            // Newer than this service (a producer upgraded first) or retired here: guessing at the shape would be worse.
            return await DeadLetterAsync(key, delivery, contract.Unreadable(envelope.Version)).ConfigureAwait(false);
        }

        return Read(envelope, reader, settings.MaxJsonDepth, out var refused) is { } @event
            ? new Decoded.Invoke(delivery, envelope, @event with { Id = envelope.EventId, OccurredAt = envelope.OccurredAt })
            : await DeadLetterAsync(key, delivery, refused!).ConfigureAwait(false);
    }

    /// <summary>
    /// The entry's event as the current record: its JSON read in its version's shape, that shape's rules checked, and an
    /// older version upcast and checked again. Null, with the reason, when any step refuses it: no attempt could fix that.
    /// </summary>
    private static IntegrationEvent? Read(EntryEnvelope envelope, EventReader reader, int maxDepth, out string? refused)
    {
        if (ReadJson(envelope, reader, maxDepth, out var malformed) is not { } @event)
        {
            refused = $"Malformed entry: the 'data' field is not a valid {envelope.TypeName}{Of(reader)}: {malformed}";
            return null;
        }

        // Well-formed, but what it says cannot be true (no lines, a quantity of 0, an empty id).
        if (InvalidEventException.For(@event, envelope.TypeName + Of(reader)) is { } invalid)
        {
            refused = invalid.Message;
            return null;
        }

        if (reader.Upcast is { } upcast)
        {
            // Handlers see one shape, the current one. The upcast is checked like any event: a bug in it must not reach them.
            @event = upcast(@event);
            if (InvalidEventException.For(@event, $"{envelope.TypeName} (upcast from version {reader.Version})") is { } invalidUpcast)
            {
                refused = invalidUpcast.Message;
                return null;
            }
        }

        refused = null;
        return @event;
    }

    /// <summary>" version N" for an older version's shape, so a reason names the shape the entry was read in; nothing for the current one.</summary>
    private static string Of(EventReader reader) => reader.Upcast is null ? "" : $" version {reader.Version}";

    /// <summary>The entry's <c>data</c> as its event, or null with what is wrong with the JSON.</summary>
    private static IntegrationEvent? ReadJson(EntryEnvelope envelope, EventReader reader, int maxDepth, out string? error)
    {
        try
        {
            // The bus's own depth limit, whatever the event's JSON options say: a hostile entry cannot make it recurse deep.
            var json = new Utf8JsonReader(envelope.Data.Span, new JsonReaderOptions { MaxDepth = maxDepth });
            var @event = JsonSerializer.Deserialize(ref json, reader.JsonTypeInfo) as IntegrationEvent
                         ?? throw new JsonException("The 'data' field is JSON null.");
            // One value per entry: reading on throws for anything after it but whitespace (a second value, garbage).
            _ = json.Read();
            error = null;
            return @event;
        }
        catch (JsonException exception)
        {
            error = exception.Message;
            return null;
        }
    }

    private async Task<Decoded> DeadLetterAsync(string key, Delivery delivery, string reason) =>
        await deadLetters.TryWriteAsync(key, delivery, reason).ConfigureAwait(false) ? new Decoded.Acknowledge(delivery) : new Decoded.LeavePending(delivery);
}
