using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Partitioning;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Runs one <see cref="StreamConsumer"/> per key of every subscribed stream: the stream itself, or each of its
/// partitions (<see cref="MessagingOptions.Partitions"/>), so that K instances of a service split every partition's
/// entries between them in one consumer group per key, and each key keeps its own order. Shutdown is two-stage: the first stop signal
/// (<see cref="IHostApplicationLifetime.ApplicationStopping"/>, or this service's own stop) ends reading and starts
/// no further handler, while handlers already running may finish until the host's shutdown timeout runs out; only
/// then are they cancelled. Whatever finished is acknowledged; the rest stays pending for the next owner.
/// </summary>
internal sealed class MessagingHostedService(
    IServiceProvider services,
    IEnumerable<StreamSubscription> subscriptions,
    IOptions<MessagingOptions> options,
    StreamPartitioner partitioner,
    ConsumerIdentity identity,
    IHostApplicationLifetime lifetime,
    IConnectionMultiplexer redis,
    ILogger<MessagingHostedService> logger) : BackgroundService
{
    private readonly CancellationTokenSource _abortHandlers = new();

    private string[] Keys => [.. subscriptions.Select(subscription => subscription.Stream).Distinct().SelectMany(partitioner.KeysOf)];

    /// <summary>
    /// Creates the consumer groups before the host reports started, when Redis is connected: whatever is published
    /// after start-up then reaches this service whatever <see cref="MessagingOptions.NewGroupStartsAt"/> says.
    /// With Redis down the service still starts; its consumer loops create the groups once Redis answers. First of all,
    /// the declared subscriptions are checked against the handlers (<see cref="SubscriptionCheck"/>).
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SubscriptionCheck.Verify(services);
        if (redis.IsConnected)
        {
            try
            {
                await Task.WhenAll(Keys.Select(key => ConsumerGroup.EnsureAsync(
                    redis.GetDatabase(), key, identity.Group, options.Value.NewGroupStartsAt))).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                Telemetry.MessagingLog.GroupsNotCreatedAtStart(logger, exception);
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // ApplicationStopping fires before any hosted service is stopped: the earliest moment to stop taking work.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        await Task.WhenAll(Keys.Select(key => ConsumeAsync(key, stopping.Token))).ConfigureAwait(false);
    }

    private async Task ConsumeAsync(string key, CancellationToken stopping)
    {
        using var pipeline = DeliveryPipeline.Create(services, key, options.Value, logger);
        var consumer = ActivatorUtilities.CreateInstance<StreamConsumer>(services, key, pipeline, options.Value, logger);
        await consumer.RunAsync(stopping, _abortHandlers.Token).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var registration = cancellationToken.Register(_abortHandlers.Cancel);
        await using (registration.ConfigureAwait(false))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        Telemetry.MessagingLog.Stopped(logger, identity.Group, identity.Consumer);
    }

    public override void Dispose()
    {
        _abortHandlers.Dispose();
        base.Dispose();
    }
}
