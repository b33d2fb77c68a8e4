// One browser for the assembly; the worlds (Redis, services, console) are each test's own.
[assembly: AssemblyFixture(typeof(Shop.StreamsConsole.Tests.Support.Browser))]
