using Microsoft.Extensions.Logging;

namespace Shop.Messaging.Telemetry;

/// <summary>The bus's log messages, source-generated: structured fields, no formatting cost when disabled.</summary>
internal static partial class MessagingLog
{
    [LoggerMessage(1000, LogLevel.Information, "Consuming {Stream} as {Consumer} in group {Group}")]
    public static partial void Subscribed(ILogger logger, string stream, string group, string consumer);

    [LoggerMessage(1001, LogLevel.Information, "Stopped consuming as {Consumer} in group {Group}")]
    public static partial void Stopped(ILogger logger, string group, string consumer);

    [LoggerMessage(1002, LogLevel.Information, "Recovering {Count} pending entries of {Consumer} on {Stream}")]
    public static partial void RecoveringPending(ILogger logger, string stream, string consumer, int count);

    [LoggerMessage(1003, LogLevel.Information, "{Consumer} took over {Count} idle entries on {Stream}")]
    public static partial void Reclaimed(ILogger logger, string stream, string consumer, int count);

    [LoggerMessage(1004, LogLevel.Information, "Removed idle consumer {Consumer} with nothing pending from group {Group} on {Stream}")]
    public static partial void IdleConsumerRemoved(ILogger logger, string stream, string group, string consumer);

    [LoggerMessage(1005, LogLevel.Warning, "Redis has no function {Function} (library {Library}); idle consumers of {Stream} are not removed until an administrator loads it (MessagingFunctions.EnsureLoadedAsync, or FUNCTION LOAD of shop_messaging.lua)")]
    public static partial void FunctionMissing(ILogger logger, string function, string library, string stream);

    [LoggerMessage(1010, LogLevel.Debug, "Skipped entry {EntryId} on {Stream}: no handler for {EventType}")]
    public static partial void NoHandler(ILogger logger, string stream, string entryId, string eventType);

    [LoggerMessage(1011, LogLevel.Information, "Entry {EntryId} on {Stream} was deleted while pending; acknowledged")]
    public static partial void EntryGone(ILogger logger, string stream, string entryId);

    [LoggerMessage(1012, LogLevel.Information, "Entry {EntryId} on {Stream} carries {EventType} {EventId}, applied already; acknowledged without running the handlers")]
    public static partial void Duplicate(ILogger logger, string stream, string entryId, string eventType, Guid eventId);

    [LoggerMessage(1020, LogLevel.Warning, "Handler for {EventType} failed on entry {EntryId} of {Stream} (attempt {Attempt} of {Attempts})")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string stream, string entryId, string eventType, int attempt, int attempts);

    [LoggerMessage(1021, LogLevel.Warning, "Entry {EntryId} on {Stream} left pending after delivery {Delivery} of {MaxDeliveries}; it is redelivered after ReclaimAfter")]
    public static partial void LeftPending(ILogger logger, string stream, string entryId, long delivery, int maxDeliveries);

    [LoggerMessage(1051, LogLevel.Warning, "A dependency of the handlers is down; the entry in hand is tried again in {Pause} (kept claimed, not counted as a delivery)")]
    public static partial void WaitingForDependency(ILogger logger, Exception exception, TimeSpan pause);

    [LoggerMessage(1022, LogLevel.Error, "Dead-lettered entry {EntryId} of {Stream} after {Deliveries} deliveries: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string stream, string entryId, long deliveries, string reason);

    [LoggerMessage(1023, LogLevel.Warning, "Handler for entry {EntryId} of {Stream} was cancelled by shutdown; the entry stays pending")]
    public static partial void HandlerAborted(ILogger logger, string stream, string entryId);

    [LoggerMessage(1024, LogLevel.Error, "Could not dead-letter entry {EntryId} of {Stream}; it stays pending")]
    public static partial void DeadLetterFailed(ILogger logger, Exception exception, string stream, string entryId);

    [LoggerMessage(1025, LogLevel.Error, "Unexpected failure processing entry {EntryId} of {Stream}; it stays pending")]
    public static partial void UnexpectedFailure(ILogger logger, Exception exception, string stream, string entryId);

    [LoggerMessage(1026, LogLevel.Warning, "A handler failed in a batch of {Count} entries of {Stream}; the batch is rolled back and its entries handled one by one")]
    public static partial void BatchRolledBack(ILogger logger, Exception exception, string stream, int count);

    [LoggerMessage(1027, LogLevel.Error, "An action waiting for the commit of entry {EntryId} of {Stream} failed; the entry's changes are committed")]
    public static partial void AfterCommitFailed(ILogger logger, Exception exception, string stream, string entryId);

    [LoggerMessage(1028, LogLevel.Warning, "Rolling back a batch of {Stream} failed; closing the connection rolls it back")]
    public static partial void BatchRollbackFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(1030, LogLevel.Warning, "Could not acknowledge {Count} handled entries on {Stream}; they will be delivered again")]
    public static partial void AcknowledgeFailed(ILogger logger, Exception exception, string stream, int count);

    [LoggerMessage(1031, LogLevel.Warning, "Redis did not answer while trying to {Action} on {Stream}; trying again in {Backoff}")]
    public static partial void RedisUnavailable(ILogger logger, Exception exception, string stream, string action, TimeSpan backoff);

    [LoggerMessage(1032, LogLevel.Warning, "Background work '{Work}' failed; it runs again on its next tick")]
    public static partial void BackgroundWorkFailed(ILogger logger, Exception exception, string work);

    [LoggerMessage(1034, LogLevel.Warning, "Could not create the consumer groups at start; the consumer loops create them once Redis answers")]
    public static partial void GroupsNotCreatedAtStart(ILogger logger, Exception exception);

    [LoggerMessage(1033, LogLevel.Debug, "Could not unblock the reader of {Stream}; it stops at its block timeout")]
    public static partial void UnblockFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(1040, LogLevel.Debug, "Trimmed {Count} entries of {Stream} that every group had read and acknowledged (MINID {MinId})")]
    public static partial void Trimmed(ILogger logger, string stream, long count, string minId);

    [LoggerMessage(1041, LogLevel.Error, "{Count} entries of {Stream} were dropped before group {Group} read them: the stream reached Messaging:StreamMaxLength ({MaxLength}) while the group fell behind")]
    public static partial void UnreadDropped(ILogger logger, string stream, string group, long count, long maxLength);

    [LoggerMessage(1050, LogLevel.Warning, "Messaging:WaitForAof is on, but {Server} runs Redis {Version}, which has no WAITAOF (7.2+); publishes wait for replicas with WAIT alone")]
    public static partial void WaitAofUnsupported(ILogger logger, string server, string version);
}
