using Microsoft.Extensions.Options;
using Shop.StreamsConsole.Configuration;

namespace Shop.StreamsConsole.Api;

/// <summary>How often live pages refresh, on which clock.</summary>
internal sealed class LiveSettings(IOptions<ConsoleOptions> options, TimeProvider time)
{
    public TimeSpan Interval => options.Value.RefreshInterval;

    public TimeProvider Time => time;
}
