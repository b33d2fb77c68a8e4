using Shop.Messaging.Security;
using Shop.ServiceDefaults;
using Shop.StreamsConsole.Api;
using Shop.StreamsConsole.Configuration;
using Shop.StreamsConsole.Reading;
using Shop.StreamsConsole.Replay;

namespace Shop.StreamsConsole;

/// <summary>Everything the streams console needs beyond the service defaults.</summary>
internal static class StreamsConsoleExtensions
{
    public static IHostApplicationBuilder AddStreamsConsole(this IHostApplicationBuilder builder)
    {
        // Aspire's Redis client, with its health check and tracing; no CONFIG on the wire: the console's own Redis user
        // may not read the server's settings.
        builder.AddRedisClient("redis", configureOptions: options => options.CommandMap = MessagingAcl.CommandMap);
        builder.Services.AddOptions<ConsoleOptions>()
            .Bind(builder.Configuration.GetSection(ConsoleOptions.SectionName))
            // The services' own key, so that what the console calls "next for take-over" is what XAUTOCLAIM will take.
            .Configure(options => options.ReclaimAfter = builder.Configuration.GetValue("Messaging:ReclaimAfter", options.ReclaimAfter))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StreamCatalog>();
        builder.Services.AddSingleton<AdditionRates>();
        builder.Services.AddSingleton<EntryViews>();
        builder.Services.AddSingleton<StreamSummaries>();
        builder.Services.AddSingleton<StreamEntries>();
        builder.Services.AddSingleton<GroupDetails>();
        builder.Services.AddSingleton<DeadLetters>();
        builder.Services.AddSingleton<DeadLetterReplayer>();
        builder.Services.AddSingleton<LiveSettings>();
        builder.Services.AddAntiforgery();
        builder.Services.AddLiveViewLimit();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ConsoleJsonContext.Default));
        builder.Services.AddOpenApi();
        return builder;
    }
}
