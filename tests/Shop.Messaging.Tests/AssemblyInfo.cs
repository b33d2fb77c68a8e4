[assembly: AssemblyFixture(typeof(RedisFixture))]
