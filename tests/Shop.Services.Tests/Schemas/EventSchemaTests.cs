using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Shop.Services.Tests.Schemas;

/// <summary>
/// The JSON schema of every event version is generated from its record and committed under <c>docs/schemas</c>. A
/// version, once published, never changes shape: a change to a committed schema fails here, before it ships.
/// </summary>
public sealed class EventSchemaTests
{
    /// <summary><c>SHOP_UPDATE_SCHEMAS=1</c> writes the schema of a version that has none yet; it never rewrites one.</summary>
    private static readonly bool WriteMissing = Environment.GetEnvironmentVariable("SHOP_UPDATE_SCHEMAS") == "1";

    private static readonly string Root = RepositoryRoot.Find() ?? throw new InvalidOperationException($"No Shop.slnx above {AppContext.BaseDirectory}.");

    public static TheoryData<string> Versions() => [.. EventVersion.All().Select(version => version.ToString())];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Schema_of_an_event_version_is_the_one_committed(string eventVersion)
    {
        var version = EventVersion.Named(eventVersion);
        var path = Path.Combine(Root, version.SchemaPath);
        var generated = Schema(version);
        if (!File.Exists(path) && WriteMissing)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path),
            $"{version} has no committed schema ({version.SchemaPath}). Run the tests with SHOP_UPDATE_SCHEMAS=1 to write it, and commit it.");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), JsonNode.Parse(generated)),
            $"The shape of {version} changed: {version.SchemaPath} no longer matches its record. Entries of {version} are in streams, "
            + $"dead letters and outboxes already, and every consumer reads them as committed: do not change a published version, "
            + $"add a new version instead (docs/versioning.md). Generated now:{Environment.NewLine}{generated}");
    }

    [Fact]
    public void Changing_OrderPlaced_in_place_instead_of_adding_version_2_would_have_failed_here()
    {
        // Version 2 renamed items to lines and changed what a line means. Made to the version 1 record itself, that change
        // would have given version 1 the schema version 2 has: not the one committed.
        var committed = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, EventVersion.Named("OrderPlaced v1").SchemaPath)));
        var changedInPlace = JsonNode.Parse(Schema(EventVersion.Named("OrderPlaced v2")));

        Assert.False(JsonNode.DeepEquals(committed, changedInPlace));
    }

    [Fact]
    public void Every_older_event_version_has_a_fixture_of_a_raw_entry_in_its_shape()
    {
        // EventVersionTests sends each fixture through the current services.
        var fixtures = Support.EntryFixture.Names();

        Assert.All(EventVersion.All().Where(version => !version.IsCurrent), version =>
            Assert.Contains($"{version.Stream}/{version.TypeName}.v{version.Version}", fixtures));
    }

    private static string Schema(EventVersion version) =>
        JsonSchemaExporter.GetJsonSchemaAsNode(version.JsonTypeInfo).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
