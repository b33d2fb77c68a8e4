using System.Globalization;
using Shop.Messaging.Events;
using Shop.Messaging.Partitioning;
using StackExchange.Redis;

namespace Shop.Messaging.Tests.Support;

/// <summary>
/// Raw Redis reads and writes that tests arrange and assert with, independent of the bus under test. The stream may be
/// partitioned (on the cluster suite): reads cover every partition, and a raw write goes to the partition that the bus
/// would pick for the event's name (<see cref="TestBus"/> partitions <see cref="ThingHappened"/> by name).
/// </summary>
public sealed class StreamProbe(RedisFixture redis, string stream)
{
    private readonly IDatabase _database = redis.Database;

    public string Stream => stream;

    /// <summary>Every key of the stream: its name, or its partitions.</summary>
    public IReadOnlyList<string> Keys { get; } = StreamNames.Keys(stream, redis.Partitions);

    /// <summary>The key that events named <paramref name="name"/> go to.</summary>
    public string KeyFor(string name) => Keys.Count == 1 ? Keys[0] : Keys[PartitionHash.PartitionOf(name, Keys.Count)];

    /// <summary>The key raw entries are added to: the one for the name in <see cref="AddRawAsync"/>'s default data.</summary>
    public string Key => KeyFor("raw");

    public async Task<StreamPendingMessageInfo[]> PendingAsync(string group) =>
        [.. (await Task.WhenAll(Keys.Select(key => _database.StreamPendingMessagesAsync(key, group, 1000, RedisValue.Null)))).SelectMany(pending => pending)];

    public async Task<StreamEntry[]> EntriesAsync(string? key = null) =>
        key is not null ? await _database.StreamRangeAsync(key) : await AllAsync(Keys);

    public async Task<StreamEntry[]> DeadLettersAsync() => await AllAsync([.. Keys.Select(StreamNames.DeadLetter)]);

    public async Task CreateGroupAsync(string group) =>
        await Task.WhenAll(Keys.Select(key => _database.StreamCreateConsumerGroupAsync(key, group, StreamPosition.Beginning, createStream: true)));

    /// <summary>An entry as another publisher would write it, with every contract field unless <paramref name="without"/> names one.</summary>
    public async Task<RedisValue> AddRawAsync(
        string type = nameof(ThingHappened),
        string data = """{"name":"raw","number":7}""",
        string? eventId = null,
        string? without = null,
        string? occurredAt = null,
        string? version = null)
    {
        List<NameValueEntry> fields =
        [
            new(EntryFields.Id, eventId ?? Guid.NewGuid().ToString()),
            new(EntryFields.Type, type),
            .. version is null ? [] : new NameValueEntry[] { new(EntryFields.Version, version) },
            new(EntryFields.Data, data),
            new(EntryFields.OccurredAt, occurredAt ?? DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new(EntryFields.Source, "a-test"),
        ];
        fields.RemoveAll(field => field.Name == without);
        return await _database.StreamAddAsync(Key, [.. fields]);
    }

    /// <summary>Reads entries (of every partition) into a consumer's pending list the way a consumer that then dies would.</summary>
    public async Task<StreamEntry[]> ReadAsDeadConsumerAsync(string group, string consumer, int count = 10) =>
        [.. (await Task.WhenAll(Keys.Select(key => _database.StreamReadGroupAsync(key, group, consumer, StreamPosition.NewMessages, count)))).SelectMany(read => read)];

    /// <summary>True once <paramref name="consumer"/>'s readers are blocked in XREADGROUP on every key of this stream, waiting for entries.</summary>
    public async Task<bool> IsReaderBlockedAsync(string consumer)
    {
        // On a cluster each reader is blocked on the node that serves its key: ask every node.
        var clients = string.Join('\n', await Task.WhenAll(_database.Multiplexer.GetServers()
            .Where(server => server.IsConnected)
            .Select(async server => (string?)await server.ExecuteAsync("CLIENT", "LIST", "TYPE", "normal") ?? "")));
        return Keys.All(key => clients.Split('\n').Any(client =>
            client.Contains($" name={consumer}:{key}:reader ", StringComparison.Ordinal)
            && client.Contains(" flags=b ", StringComparison.Ordinal)));
    }

    /// <summary>The group's consumers on the key raw entries go to (every partition's group has its own consumer list).</summary>
    public async Task<StreamConsumerInfo[]> ConsumersAsync(string group) => await _database.StreamConsumerInfoAsync(Key, group);

    private async Task<StreamEntry[]> AllAsync(IReadOnlyList<string> keys) =>
        [.. (await Task.WhenAll(keys.Select(key => _database.StreamRangeAsync(key)))).SelectMany(entries => entries)
            .OrderBy(entry => EntryPosition.Parse(entry.Id))];
}
