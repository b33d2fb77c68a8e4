using StackExchange.Redis;

namespace Shop.Messaging.Connections;

/// <summary>
/// The configuration of a connection of the bus's own, beside the shared multiplexer: for commands that hold their
/// connection (a blocking read, a <c>WAIT</c>), which on the shared one would stall everything queued behind them.
/// </summary>
internal static class DedicatedConnection
{
    // Such a connection never subscribes: without pub/sub the multiplexer opens no second socket per node. Nor does it
    // send CONFIG, which no user of the bus may (MessagingAcl.CommandMap).
    private static readonly CommandMap WithoutPubSub = CommandMap.Create(
        ["SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE", "SSUBSCRIBE", "SUNSUBSCRIBE", "CONFIG"], available: false);

    /// <param name="shared">The shared multiplexer: its configuration, password included, so Aspire's settings apply here too.</param>
    /// <param name="clientName">What <c>CLIENT LIST</c> shows for it.</param>
    /// <param name="commandTimeout">Longer than the slow command it exists for.</param>
    public static ConfigurationOptions ConfigurationFrom(IConnectionMultiplexer shared, string clientName, TimeSpan commandTimeout)
    {
        var configuration = ConfigurationOptions.Parse(shared.Configuration);
        configuration.ClientName = clientName;
        configuration.AbortOnConnectFail = false;
        configuration.AsyncTimeout = (int)commandTimeout.TotalMilliseconds;
        configuration.CommandMap = WithoutPubSub;
        return configuration;
    }
}
