using System.Text.Json.Serialization;
using Shop.StreamsConsole.Reading;
using Shop.StreamsConsole.Replay;

namespace Shop.StreamsConsole.Api;

/// <summary>What the console's page reads and sends, without a start-up "what is this type?" walk (source-generated).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<StreamSummary>))]
[JsonSerializable(typeof(EntryPage))]
[JsonSerializable(typeof(GroupsPage))]
[JsonSerializable(typeof(DeadLettersPage))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(ReplayedEntry))]
[JsonSerializable(typeof(ConsoleSession))]
[JsonSerializable(typeof(string))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
