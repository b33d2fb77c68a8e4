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

    /// <summary>The group has read up to <paramref name="lastEntryId"/> and acknowledged everything it read.</summary>
    public static async Task<bool> DeliveredAndAcknowledgedAsync(IDatabase database, string stream, string group, RedisValue lastEntryId) =>
        (await database.StreamGroupInfoAsync(stream)).SingleOrDefault(info => info.Name == group) is { } info
        && info.LastDeliveredId == lastEntryId
        && info.PendingMessageCount == 0;
}
