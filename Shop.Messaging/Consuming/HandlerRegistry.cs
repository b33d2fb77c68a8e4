using System.Collections.Concurrent;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Knows which event types have at least one Mediator handler in this process. An entry of a type without one is
/// acknowledged and counted as skipped: a stream carries every event of its domain, and a service handles a few.
/// </summary>
internal sealed class HandlerRegistry(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<Type, bool> _hasHandler = new();

    public bool HasHandler(Type eventType) => _hasHandler.GetOrAdd(eventType, static (type, scopes) =>
    {
        using var scope = scopes.CreateScope();
        var handlerType = typeof(INotificationHandler<>).MakeGenericType(type);
        return scope.ServiceProvider.GetServices(handlerType).Any();
    }, scopes);
}
