using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Tests.Support;

namespace Shop.Messaging.Tests;

public sealed class OptionsTests(RedisFixture redis)
{
    [Theory]
    [InlineData("Messaging:ReclaimAfter", "00:00:00", nameof(MessagingOptions.ReclaimAfter))]
    [InlineData("Messaging:ReclaimAfter", "-00:00:01", nameof(MessagingOptions.ReclaimAfter))]
    [InlineData("Messaging:MaxDeliveries", "0", nameof(MessagingOptions.MaxDeliveries))]
    [InlineData("Messaging:StreamMaxLength", "0", nameof(MessagingOptions.StreamMaxLength))]
    [InlineData("Messaging:BatchSize", "0", nameof(MessagingOptions.BatchSize))]
    [InlineData("Messaging:MaxConcurrency", "0", nameof(MessagingOptions.MaxConcurrency))]
    [InlineData("Messaging:BlockTimeout", "00:05:00", nameof(MessagingOptions.BlockTimeout))]
    [InlineData("Messaging:HandlerAttempts", "0", nameof(MessagingOptions.HandlerAttempts))]
    [InlineData("Messaging:ConsumerIdleTimeout", "00:00:00", nameof(MessagingOptions.ConsumerIdleTimeout))]
    [InlineData("Messaging:MaxEntryBytes", "100", nameof(MessagingOptions.MaxEntryBytes))]
    [InlineData("Messaging:MaxJsonDepth", "0", nameof(MessagingOptions.MaxJsonDepth))]
    [InlineData("Messaging:ServiceName", "Order Service", nameof(MessagingOptions.ServiceName))]
    [InlineData("Messaging:ConsumerName", "has spaces", nameof(MessagingOptions.ConsumerName))]
    [InlineData("Messaging:Partitions", "0", nameof(MessagingOptions.Partitions))]
    [InlineData("Messaging:Streams:orders:Partitions", "2000", "Streams:orders:Partitions")]
    [InlineData("Messaging:MinReplicas", "-1", nameof(MessagingOptions.MinReplicas))]
    [InlineData("Messaging:ReplicaTimeout", "00:00:00", nameof(MessagingOptions.ReplicaTimeout))]
    [InlineData("Messaging:WaitForAof", "true", nameof(MessagingOptions.MinReplicas))]
    public async Task Invalid_setting_stops_the_host_at_start_naming_the_setting(string key, string value, string property)
    {
        using var host = TestBus.Build(redis, RedisFixture.UniqueName("options"), new HandlerProbe(),
            settings: new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(property, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_the_contract_defaults()
    {
        using var host = TestBus.Build(redis, RedisFixture.UniqueName("options"), new HandlerProbe(), service: "order-service",
            settings: new Dictionary<string, string?> { ["Messaging:ConsumerName"] = null });

        var options = host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.ReclaimAfter);
        Assert.Equal(5, options.MaxDeliveries);
        Assert.Equal(1_000_000, options.StreamMaxLength);
        Assert.Equal("order-service", options.ServiceName);
        Assert.Equal(1, options.PartitionsOf("orders"));
        Assert.Equal(0, options.MinReplicas);
    }

    [Theory]
    [InlineData("configured", "service.instance.id=replica-a", null, "configured")]
    [InlineData(null, "service.name=x, service.instance.id = replica-a ,k=v", null, "replica-a")]
    [InlineData(null, "service.instance.id=xwhgnput", "inventoryservice", "inventoryservice-xwhgnput")]
    public void Consumer_name_is_the_configured_one_else_the_service_instance_id(string? configured, string attributes, string? serviceName, string expected)
    {
        var options = new MessagingOptions { ServiceName = "order-service", ConsumerName = configured };

        var identity = ConsumerIdentity.From(options, name => name switch
        {
            "OTEL_RESOURCE_ATTRIBUTES" => attributes,
            "OTEL_SERVICE_NAME" => serviceName,
            _ => null,
        });

        Assert.Equal(new ConsumerIdentity("order-service", expected), identity);
    }

    [Fact]
    public void Consumer_name_without_configuration_is_unique_to_the_process()
    {
        var identity = ConsumerIdentity.From(new MessagingOptions { ServiceName = "order-service" }, _ => null);

        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", identity.Consumer);
    }
}
