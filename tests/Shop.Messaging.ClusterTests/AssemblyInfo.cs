// A Redis Cluster of three primaries with a replica each, and three partitions per stream: every partition of a test's
// stream may live on another shard, so any command that touched two of them would fail here (CROSSSLOT).
[assembly: AssemblyFixture(typeof(RedisFixture))]
[assembly: RedisClusterTests(partitions: 3)]
