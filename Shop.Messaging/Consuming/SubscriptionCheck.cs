using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Events;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Keeps a service's <c>Subscribe&lt;TEvent, THandler&gt;()</c> list true: Mediator dispatches an event to every handler
/// it generated, so a list that names a handler Mediator does not have, or misses one it has, would describe wiring
/// that is not what runs. Checked once, when the host starts.
/// </summary>
internal static class SubscriptionCheck
{
    /// <summary>Throws, naming each difference and what to change, when the declared pairs and Mediator's handlers of the consumed events differ.</summary>
    public static void Verify(IServiceProvider services)
    {
        var declared = services.GetServices<EventSubscription>().ToList();
        if (declared.Count == 0)
        {
            // Streams consumed with Consume() alone: every handler Mediator has is dispatched, nothing was declared.
            return;
        }

        var consumed = services.GetServices<StreamSubscription>().Select(subscription => subscription.Stream).ToHashSet();
        var events = services.GetServices<EventRegistration>().Where(registration => consumed.Contains(registration.Stream));
        using var scope = services.CreateScope();
        var problems = new List<string>();
        foreach (var eventType in events.Select(registration => registration.EventType).Distinct())
        {
            var handlerService = typeof(INotificationHandler<>).MakeGenericType(eventType);
            var generated = scope.ServiceProvider.GetServices(handlerService).Select(handler => handler!.GetType()).ToHashSet();
            var wanted = declared.Where(pair => pair.EventType == eventType).Select(pair => pair.HandlerType).ToHashSet();
            problems.AddRange(wanted.Except(generated).Select(handler =>
                $"{handler.Name} is subscribed to {eventType.Name}, but Mediator has no such handler: it must be in the project that calls AddMediator()."));
            problems.AddRange(generated.Except(wanted).Select(handler =>
                $"{handler.Name} handles {eventType.Name}, but is not subscribed: add Subscribe<{eventType.Name}, {handler.Name}>(), or delete the handler."));
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The event subscriptions do not match the handlers: " + string.Join(" ", problems));
        }
    }
}
