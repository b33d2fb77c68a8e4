using System.Text.RegularExpressions;

namespace Shop.Repository.Tests;

/// <summary>The README and <c>docs/</c> link only to what the repository holds: a cloner never meets a dead link.</summary>
public sealed partial class DocumentationLinkTests
{
    private static readonly string Root = RepositoryRoot.Find() ?? throw new InvalidOperationException($"No Shop.slnx above {AppContext.BaseDirectory}.");

    public static TheoryData<string> Documents() =>
        [.. new[] { Path.Combine(Root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Root, path))];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves_to_a_file_folder_or_heading_of_the_repository(string document)
    {
        var path = Path.Combine(Root, document);
        var broken = new List<string>();
        foreach (var target in RelativeLinks(File.ReadAllText(path)))
        {
            var (file, anchor) = target.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0
                ? (target[..hash], target[(hash + 1)..])
                : (target, null);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!resolved.StartsWith(Root, StringComparison.Ordinal))
            {
                broken.Add($"{target}: outside the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file or folder");
            }
            else if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.Ordinal) && !Headings(resolved).Contains(anchor))
            {
                broken.Add($"{target}: no heading #{anchor} in {Path.GetRelativePath(Root, resolved)}");
            }
        }

        Assert.True(broken.Count == 0, $"{document} has links that lead nowhere:{Environment.NewLine}{string.Join(Environment.NewLine, broken)}");
    }

    [Fact]
    public void The_link_reader_finds_links_and_images_and_leaves_addresses_and_code_alone()
    {
        const string text = """
            See [the tour](docs/tour.md), ![a picture](docs/images/x.png "title") and [a heading](#quick-start).
            [outside](https://example.org/a) and [mail](mailto:someone@example.org).
            ```
            [not a link](inside/a/code/block.md)
            ```
            """;

        Assert.Equal(["docs/tour.md", "docs/images/x.png", "#quick-start"], RelativeLinks(text));
    }

    /// <summary>Markdown link and image targets outside code blocks that are not absolute addresses.</summary>
    private static List<string> RelativeLinks(string markdown) =>
        [.. LinkTarget().Matches(FencedCode().Replace(markdown, ""))
            .Select(match => match.Groups["target"].Value)
            .Where(target => !AbsoluteAddress().IsMatch(target))];

    /// <summary>GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as dashes.</summary>
    private static HashSet<string> Headings(string path) =>
        [.. Heading().Matches(FencedCode().Replace(File.ReadAllText(path), ""))
            .Select(match => AnchorPunctuation().Replace(match.Groups["title"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))];

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteAddress();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex AnchorPunctuation();
}
