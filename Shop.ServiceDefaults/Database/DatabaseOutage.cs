using Shop.Messaging.Resilience;

namespace Shop.ServiceDefaults;

/// <summary>
/// Tells a database that could not be reached (its server down or restarting, SQLite busy past its timeout) from a
/// statement that failed: the first is the service's temporary state, answered 503 with <c>Retry-After</c>, not a 500.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>How long a client should wait before asking again: about how long a database server takes to restart.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>True when <paramref name="exception"/>, or the provider's exception EF Core wrapped in it, says "transient".</summary>
    public static bool Is(Exception? exception) => TransientFailure.Is(exception);
}
