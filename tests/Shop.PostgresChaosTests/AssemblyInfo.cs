// The services on PostgreSQL, a server of each test's own. One fault at a time, as in Shop.ChaosTests: every test runs
// a redis-server, a PostgreSQL server and the services' processes on a machine of two cores.
[assembly: Shop.ChaosTests.Support.ChaosOnPostgres]
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
// …and one chaos suite at a time on the machine (SQLite's and PostgreSQL's run as separate test projects).
[assembly: AssemblyFixture(typeof(Shop.ChaosTests.Support.OneChaosSuiteAtATime))]
