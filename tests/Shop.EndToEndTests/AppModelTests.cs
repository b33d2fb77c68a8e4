using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Shop.EndToEndTests;

/// <summary>The AppHost's model, built but not started: the start-up order the architecture diagram shows.</summary>
public sealed class AppModelTests
{
    [Theory]
    [InlineData("Sqlite", "orderservice", new[] { "redis" })]
    [InlineData("Sqlite", "streamsconsole", new[] { "redis" })]
    [InlineData("Postgres", "orderservice", new[] { "redis", "orderdb", "postgres" })]
    [InlineData("Postgres", "inventoryservice", new[] { "redis", "inventorydb", "postgres" })]
    [InlineData("Postgres", "notificationservice", new[] { "redis", "notificationdb", "postgres" })]
    public async Task Each_process_starts_once_Redis_and_its_own_database_are_ready(string databaseMode, string resource, string[] waitsFor)
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Containers: building the model needs neither Docker nor local servers, since nothing is started.
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Database:Mode={databaseMode}", "Database:Server=Container", "Redis:Mode=Container"], cancellation);

        // Waiting for a PostgreSQL database, Aspire waits for its server too.
        var process = builder.Resources.Single(candidate => candidate.Name == resource);

        var waits = process.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name).Order();
        Assert.Equal(waitsFor.Order(), waits);
    }
}
