// One attack at a time: the suite runs three services, the console and a redis-server of its own on a machine of two cores.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
