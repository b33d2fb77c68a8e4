using System.Data.Common;

namespace Shop.Messaging.Resilience;

/// <summary>
/// A failure of a dependency that is down for a while (a database server restarting, a connection lost, a timeout), as
/// opposed to a failure of the work itself: the provider's exception says so (<see cref="DbException.IsTransient"/>),
/// or a timeout does, however deep a framework wrapped it (EF Core's <c>DbUpdateException</c>).
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
