using System.Globalization;
using System.Text.Json;
using Shop.Contracts;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Services.Tests.Support;

/// <summary>Writes contract entries straight into a stream, as another publisher (or a repeated delivery) would.</summary>
public static class RawEntries
{
    public static async Task<RedisValue> AddAsync<TEvent>(IDatabase database, string stream, TEvent @event)
        where TEvent : IntegrationEvent =>
        await database.StreamAddAsync(stream,
        [
            new(EntryFields.Id, @event.Id.ToString()),
            new(EntryFields.Type, typeof(TEvent).Name),
            new(EntryFields.Data, JsonSerializer.Serialize(@event, typeof(TEvent), ContractsJsonContext.Default)),
            new(EntryFields.OccurredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new(EntryFields.Source, "a-test"),
        ]);
}
