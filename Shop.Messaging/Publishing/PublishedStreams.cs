using System.Collections.Concurrent;

namespace Shop.Messaging.Publishing;

/// <summary>The streams this process has published to: the ones it owns, and so the ones its trimmer looks after.</summary>
internal sealed class PublishedStreams
{
    private readonly ConcurrentDictionary<string, bool> _streams = new(StringComparer.Ordinal);

    public void Add(string stream) => _streams.TryAdd(stream, true);

    public IReadOnlyCollection<string> Snapshot() => [.. _streams.Keys];
}
