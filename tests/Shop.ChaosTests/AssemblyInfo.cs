// One fault at a time: every test runs three service processes and a redis-server on a machine of two cores, and
// a second test's load would blur what the first one checks (that the system recovers within its deadlines).
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
// …and one chaos suite at a time on the machine (SQLite's and PostgreSQL's run as separate test projects).
[assembly: AssemblyFixture(typeof(Shop.ChaosTests.Support.OneChaosSuiteAtATime))]
