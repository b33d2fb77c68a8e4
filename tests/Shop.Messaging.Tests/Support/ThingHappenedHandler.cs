using Mediator;
using Shop.Messaging.Consuming;

namespace Shop.Messaging.Tests.Support;

/// <summary>The one handler of the test assembly; each test's <see cref="HandlerProbe"/> decides what it does.</summary>
public sealed class ThingHappenedHandler(HandlerProbe probe, DeliveryContext context) : INotificationHandler<ThingHappened>
{
    public ValueTask Handle(ThingHappened notification, CancellationToken cancellationToken) =>
        new(probe.HandleAsync(notification, context, cancellationToken));
}
