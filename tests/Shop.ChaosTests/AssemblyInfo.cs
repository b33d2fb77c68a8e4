// One fault at a time: every test runs three service processes and a redis-server on a machine of two cores, and
// a second test's load would blur what the first one checks (that the system recovers within its deadlines).
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
