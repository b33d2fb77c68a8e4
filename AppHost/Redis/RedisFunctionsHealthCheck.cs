using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Messaging.Functions;
using StackExchange.Redis;

namespace Shop.AppHost.Redis;

/// <summary>
/// The privileged step that gives a Redis the bus's functions (<see cref="MessagingFunctions"/>): as the default user
/// (the server's administrator, which no service is), it loads the <c>shop_messaging</c> library on every primary where
/// it is missing or differs, and only then reports Redis healthy — so every service, which waits for a healthy Redis,
/// finds the functions there. A Redis restarted without its data gets them again on the next check.
/// </summary>
internal sealed class RedisFunctionsHealthCheck(Func<CancellationToken, Task<string?>> connectionString) : IHealthCheck, IAsyncDisposable
{
    private ConnectionMultiplexer? _admin;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _admin ??= await ConnectAsync(cancellationToken);
            var loaded = await MessagingFunctions.EnsureLoadedAsync(_admin);
            return HealthCheckResult.Healthy(loaded > 0 ? $"Loaded {MessagingFunctions.Library} on {loaded} primaries." : null);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The {MessagingFunctions.Library} functions are not loaded yet.", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(await connectionString(cancellationToken)
                                                 ?? throw new InvalidOperationException("Redis has no address yet."));
        // FUNCTION LIST / LOAD go to each server by hand.
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
