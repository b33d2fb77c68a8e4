namespace Shop.Messaging.Events;

/// <summary>
/// An event that no attempt can ever apply: it breaks its contract's rules (<see cref="IntegrationEvent.Validate"/>), or
/// a handler found that it contradicts what the service knows (a second reservation for an order that holds stock
/// already). Thrown by a handler, the bus rolls the handler's changes back and dead-letters the entry at once, with
/// <see cref="Exception.Message"/> as the reason in its <c>error</c> field: no retry and no redelivery, because the
/// entry is not failing for a passing reason — it lies. Thrown by a publish, the event is not written.
/// </summary>
public sealed class InvalidEventException : Exception
{
    public InvalidEventException()
    {
    }

    public InvalidEventException(string message)
        : base(message)
    {
    }

    public InvalidEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The exception for <paramref name="event"/> when it breaks any of its rules; null when it is valid.</summary>
    public static InvalidEventException? For(IntegrationEvent @event, string typeName)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var problems = @event.Validate().ToList();
        return problems.Count == 0 ? null : new InvalidEventException($"Invalid {typeName}: {string.Join(" ", problems)}");
    }
}
