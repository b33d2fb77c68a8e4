namespace Shop.Testing;

/// <summary>
/// Marks a test assembly whose <see cref="RedisFixture"/> is a Redis Cluster: the bus's suite compiled a second time
/// (the same files, not copies) to run there with <paramref name="partitions"/> partitions per stream.
/// </summary>
/// <param name="partitions">Partitions per stream of the bus under test.</param>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RedisClusterTestsAttribute(int partitions) : Attribute
{
    public int Partitions { get; } = partitions;
}
