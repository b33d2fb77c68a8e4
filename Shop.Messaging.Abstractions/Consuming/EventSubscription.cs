namespace Shop.Messaging.Consuming;

/// <summary>A pair a service declared with <c>Subscribe&lt;TEvent, THandler&gt;()</c>: its events of one type go to one handler.</summary>
/// <param name="EventType">The event, derived from <see cref="Events.IntegrationEvent"/>.</param>
/// <param name="HandlerType">Its Mediator <c>INotificationHandler&lt;TEvent&gt;</c> in this service.</param>
internal sealed record EventSubscription(Type EventType, Type HandlerType);
