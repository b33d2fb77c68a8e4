namespace Shop.StreamsConsole.Api;

/// <summary>Replay one dead letter: its dead-letter stream and id (a form post, with the antiforgery token).</summary>
public sealed record ReplayOneForm(string? Key, string? Id);

/// <summary>Replay every dead letter of one event type in one stream (a form post, with the antiforgery token).</summary>
public sealed record ReplayTypeForm(string? Stream, string? Type);
