namespace Shop.StreamsConsole.Api;

/// <summary>
/// What the page needs before it can act: whether replay is allowed, and the antiforgery token to send with a replay
/// (its cookie half is set by the same response).
/// </summary>
public sealed record ConsoleSession(bool AllowReplay, string? AntiforgeryToken, string? DashboardUrl, long ReclaimAfterMilliseconds);
