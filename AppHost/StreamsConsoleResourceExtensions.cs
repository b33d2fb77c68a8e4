using Microsoft.Extensions.Configuration;
using Shop.AppHost.Redis;

namespace Shop.AppHost;

internal static class StreamsConsoleResourceExtensions
{
    /// <summary>The name of the console's dashboard command that replays every dead letter.</summary>
    public const string ReplayCommand = "replay-dead-letters";

    /// <summary>
    /// The streams console: every stream, group, consumer and dead letter, live. Where the AppHost runs Redis it connects
    /// as a user of its own that reads every key and may write only what a replay needs (<c>XADD</c> into a stream a
    /// service publishes to, <c>XDEL</c> from its dead letters); it replays dead letters only with
    /// <c>Console:AllowReplay=true</c> (off unless the AppHost is started with it), and links each <c>traceparent</c> to
    /// this dashboard. Its dashboard command "Replay dead letters" posts with a key generated for it, so only this
    /// AppHost's dashboard can send it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddShopStreamsConsole(this IDistributedApplicationBuilder builder, ShopRedis redis)
    {
        var commandKey = builder.AddParameter("streamsconsole-command-key",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var console = builder.AddProject<Projects.StreamsConsole>("streamsconsole")
            .WithoutDevelopmentCertificate()
            .WithRedisUser(redis, users => users.AddConsole("streams-console"))
            .WithEnvironment("Console__AllowReplay", builder.Configuration.GetValue("Console:AllowReplay", false) ? "true" : "false")
            .WithEnvironment("Console__CommandKey", commandKey)
            .WithHttpCommand("/api/commands/replay-dead-letters", "Replay dead letters", commandName: ReplayCommand, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Puts every dead letter back into its stream, with its event id (needs Console:AllowReplay=true).",
                IconName = "ArrowRepeatAll",
                PrepareRequest = async context => context.Request.Headers.Add(
                    "X-Console-Command-Key", await commandKey.Resource.GetValueAsync(context.CancellationToken)),
            });
        if (builder.Configuration["ASPNETCORE_URLS"]?.Split(';').FirstOrDefault() is { Length: > 0 } dashboard)
        {
            console.WithEnvironment("Console__DashboardUrl", dashboard);
        }

        return console;
    }
}
