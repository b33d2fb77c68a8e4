using Microsoft.Extensions.Logging;

namespace Shop.Messaging.EntityFrameworkCore.Storage;

/// <summary>The outbox's and inbox's log messages, source-generated.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(1100, LogLevel.Debug, "Relayed {Count} outbox rows")]
    public static partial void Relayed(ILogger logger, int count);

    [LoggerMessage(1101, LogLevel.Warning, "Outbox relay could not publish; the rows stay in the outbox, next try in {Backoff}")]
    public static partial void RelayFailed(ILogger logger, Exception exception, TimeSpan backoff);

    [LoggerMessage(1102, LogLevel.Information, "Pruned {Outbox} published outbox rows and {Inbox} inbox records")]
    public static partial void Pruned(ILogger logger, int outbox, int inbox);

    [LoggerMessage(1103, LogLevel.Warning, "Pruning the outbox and inbox failed; it runs again later")]
    public static partial void PruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(1104, LogLevel.Information, "Event {EventId} arrived again for {Group}, which applied it already: republishing the {Count} events its handling raised")]
    public static partial void OutcomeReplayed(ILogger logger, Guid eventId, string group, int count);
}
