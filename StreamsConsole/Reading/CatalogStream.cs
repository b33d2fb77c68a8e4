namespace Shop.StreamsConsole.Reading;

/// <summary>
/// One stream as Redis holds it: its keys (the stream's name, or its partitions <c>orders:{0}</c> …, in partition
/// order) and the dead-letter streams beside them (<c>orders:dead-letter</c>, <c>orders:{0}:dead-letter</c> …).
/// </summary>
public sealed record CatalogStream(string Name, IReadOnlyList<string> Keys, IReadOnlyList<string> DeadLetterKeys);
