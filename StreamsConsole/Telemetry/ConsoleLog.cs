using Microsoft.Extensions.Logging;

namespace Shop.StreamsConsole.Telemetry;

/// <summary>What the streams console logs: every change it makes to Redis, and every refused attempt.</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(3001, LogLevel.Warning,
        "Replayed dead letter {DeadLetterKey} {DeadLetterId} into {Key} as {NewId} (event {EventId}, replay {Replays}), asked by {RequestedBy}")]
    public static partial void Replayed(
        ILogger logger, string deadLetterKey, string deadLetterId, string key, string newId, string eventId, int replays, string requestedBy);

    [LoggerMessage(3002, LogLevel.Warning, "Replay refused ({Reason}), asked by {RequestedBy}")]
    public static partial void ReplayRefused(ILogger logger, string reason, string requestedBy);
}
