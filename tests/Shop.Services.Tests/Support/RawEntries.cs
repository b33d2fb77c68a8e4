using System.Globalization;
using System.Text.Json;
using Shop.Contracts;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Services.Tests.Support;

/// <summary>Writes contract entries straight into a stream, as another publisher (or a repeated delivery) would.</summary>
public static class RawEntries
{
    /// <summary>The event as its publisher would write it: its JSON, and its contract's version (a record's <c>Version</c> constant, else 1).</summary>
    public static async Task<RedisValue> AddAsync<TEvent>(IDatabase database, string stream, TEvent @event)
        where TEvent : IntegrationEvent =>
        await AddJsonAsync(database, stream, typeof(TEvent).Name, JsonSerializer.Serialize(@event, typeof(TEvent), ContractsJsonContext.Default), @event.Id,
            typeof(TEvent).GetField("Version")?.GetRawConstantValue() as int? ?? 1);

    /// <summary>
    /// An entry whose <c>data</c> is <paramref name="json"/> as given: what no publisher of Shop's would write. Without
    /// <paramref name="version"/> it has no <c>version</c> field, as every entry written before versions existed.
    /// </summary>
    public static async Task<RedisValue> AddJsonAsync(IDatabase database, string stream, string type, string json, Guid? eventId = null, int? version = null) =>
        await database.StreamAddAsync(stream,
        [
            new(EntryFields.Id, (eventId ?? Guid.NewGuid()).ToString()),
            new(EntryFields.Type, type),
            .. version is { } contractVersion ? new NameValueEntry[] { new(EntryFields.Version, contractVersion) } : [],
            new(EntryFields.Data, json),
            new(EntryFields.OccurredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new(EntryFields.Source, "a-test"),
        ]);

    /// <summary>The dead letter of <paramref name="entryId"/> in <paramref name="stream"/> that <paramref name="group"/> wrote, once there is one.</summary>
    public static async Task<StreamEntry> DeadLetterAsync(IDatabase database, string stream, string group, RedisValue entryId)
    {
        StreamEntry[] found = [];
        await Wait.UntilAsync(async () =>
        {
            found = [.. (await database.StreamRangeAsync(StreamNames.DeadLetter(stream)))
                .Where(entry => entry[EntryFields.OriginalId] == entryId && entry[EntryFields.Group] == group)];
            return found.Length > 0;
        }, TimeSpan.FromSeconds(15), $"{group} to dead-letter entry {entryId} of {stream}");
        return found[0];
    }
}
