// The services on PostgreSQL: every service under test gets a database of its own on one server (TestDatabases).
[assembly: AssemblyFixture(typeof(RedisFixture))]
[assembly: AssemblyFixture(typeof(PostgresFixture))]
