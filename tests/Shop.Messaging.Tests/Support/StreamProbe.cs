using System.Globalization;
using Shop.Messaging.Events;
using StackExchange.Redis;

namespace Shop.Messaging.Tests.Support;

/// <summary>Raw Redis reads and writes that tests arrange and assert with, independent of the bus under test.</summary>
public sealed class StreamProbe(IDatabase database, string stream)
{
    public string Stream => stream;

    public async Task<StreamPendingMessageInfo[]> PendingAsync(string group) =>
        await database.StreamPendingMessagesAsync(stream, group, 1000, RedisValue.Null);

    public async Task<StreamEntry[]> EntriesAsync(string? key = null) => await database.StreamRangeAsync(key ?? stream);

    public async Task<StreamEntry[]> DeadLettersAsync() => await database.StreamRangeAsync(StreamNames.DeadLetter(stream));

    public async Task CreateGroupAsync(string group) =>
        await database.StreamCreateConsumerGroupAsync(stream, group, StreamPosition.Beginning, createStream: true);

    /// <summary>An entry as another publisher would write it, with every contract field unless <paramref name="without"/> names one.</summary>
    public async Task<RedisValue> AddRawAsync(
        string type = nameof(ThingHappened),
        string data = """{"name":"raw","number":7}""",
        string? eventId = null,
        string? without = null,
        string? occurredAt = null)
    {
        var fields = new List<NameValueEntry>
        {
            new(EntryFields.Id, eventId ?? Guid.NewGuid().ToString()),
            new(EntryFields.Type, type),
            new(EntryFields.Data, data),
            new(EntryFields.OccurredAt, occurredAt ?? DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new(EntryFields.Source, "a-test"),
        };
        fields.RemoveAll(field => field.Name == without);
        return await database.StreamAddAsync(stream, [.. fields]);
    }

    /// <summary>Reads entries into a consumer's pending list the way a consumer that then dies would.</summary>
    public async Task<StreamEntry[]> ReadAsDeadConsumerAsync(string group, string consumer, int count = 10) =>
        await database.StreamReadGroupAsync(stream, group, consumer, StreamPosition.NewMessages, count);

    /// <summary>True once <paramref name="consumer"/>'s reader is blocked in XREADGROUP on this stream, waiting for entries.</summary>
    public async Task<bool> IsReaderBlockedAsync(string consumer)
    {
        var server = database.Multiplexer.GetServers()[0];
        var clients = (string?)await server.ExecuteAsync("CLIENT", "LIST", "TYPE", "normal") ?? "";
        return clients.Split('\n').Any(client =>
            client.Contains($" name={consumer}:{stream}:reader ", StringComparison.Ordinal)
            && client.Contains(" flags=b ", StringComparison.Ordinal));
    }

    public async Task<StreamConsumerInfo[]> ConsumersAsync(string group) => await database.StreamConsumerInfoAsync(stream, group);
}
