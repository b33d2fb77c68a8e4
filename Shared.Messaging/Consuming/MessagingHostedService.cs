using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Runs one <see cref="StreamConsumer"/> per subscribed stream. Shutdown is two-stage: the host's stop signal ends
/// reading at once, while handlers already running may finish until the host's shutdown timeout runs out; only
/// then are they cancelled. Whatever finished is acknowledged; the rest stays pending for the next owner.
/// </summary>
internal sealed class MessagingHostedService(
    IServiceProvider services,
    IEnumerable<StreamSubscription> subscriptions,
    IOptions<MessagingOptions> options,
    ConsumerIdentity identity,
    ILogger<MessagingHostedService> logger) : BackgroundService
{
    private readonly CancellationTokenSource _abortHandlers = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var streams = subscriptions.Select(subscription => subscription.Stream).Distinct().ToArray();
        return Task.WhenAll(streams.Select(stream =>
        {
            var consumer = ActivatorUtilities.CreateInstance<StreamConsumer>(
                services, stream, options.Value, logger);
            return consumer.RunAsync(stoppingToken, _abortHandlers.Token);
        }));
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
