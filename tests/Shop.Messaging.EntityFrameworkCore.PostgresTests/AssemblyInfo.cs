// The outbox and inbox on PostgreSQL: every test's store gets a database of its own on one server (TestDatabases).
[assembly: AssemblyFixture(typeof(RedisFixture))]
[assembly: AssemblyFixture(typeof(PostgresFixture))]
