using System.Text.Json;
using StackExchange.Redis;

namespace Shop.Services.Tests.Support;

/// <summary>
/// A stream entry exactly as a publisher once wrote it, kept in <c>Fixtures/&lt;stream&gt;/&lt;Type&gt;.v&lt;N&gt;.json</c>: its
/// fields, with <c>data</c> written as JSON for the reader's sake. Every older shape of an event has one, so the current
/// services are tested against what the streams really hold.
/// </summary>
public sealed record EntryFixture(string Name, string Stream, NameValueEntry[] Fields)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Every fixture, by name (<c>orders/OrderPlaced.v1</c>).</summary>
    public static IReadOnlyList<string> Names() =>
        [.. Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Folder, path)[..^".json".Length].Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    public static EntryFixture Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        NameValueEntry[] fields =
        [
            .. document.RootElement.GetProperty("fields").EnumerateObject().Select(field => new NameValueEntry(
                field.Name, field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : field.Value.GetRawText())),
        ];
        return new EntryFixture(name, name.Split('/')[0], fields);
    }

    public RedisValue this[string field] => Fields.Single(candidate => candidate.Name == field).Value;

    public async Task<RedisValue> AddToAsync(IDatabase database) => await database.StreamAddAsync(Stream, Fields);
}
