using System.Globalization;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>Writes a <see cref="CounterBumped"/> entry straight into a stream, as another service's relay would.</summary>
public static class CounterEntries
{
    public static async Task<RedisValue> AddAsync(IDatabase redis, string stream, Guid eventId, string counter, int by) =>
        await redis.StreamAddAsync(stream,
        [
            new(EntryFields.Id, eventId.ToString()),
            new(EntryFields.Type, nameof(CounterBumped)),
            new(EntryFields.Data, $$"""{"counter":"{{counter}}","by":{{by}}}"""),
            new(EntryFields.OccurredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new(EntryFields.Source, "a-test"),
        ]);
}
