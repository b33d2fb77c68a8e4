using System.Text.Json.Serialization.Metadata;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;

namespace Shop.Messaging.DependencyInjection;

/// <summary>Declares which events this service knows, and which of them it handles with which handler.</summary>
public sealed class MessagingBuilder
{
    // Made by the transport's AddMessaging, which registers what the declarations below need.
    internal MessagingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for further registrations.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers <typeparamref name="TEvent"/> as published to <paramref name="stream"/>, serialized with the
    /// source-generated <paramref name="typeInfo"/>. Its <c>type</c> field is the class name unless given. When the
    /// stream has several partitions, <paramref name="partitionKey"/> picks the event's partition: events with one key
    /// (e.g. one order's) stay in one partition and so in the order they were published; without it, the event id.
    /// <paramref name="version"/> is the version of the contract <typeparamref name="TEvent"/> is: every publish
    /// writes it, and older versions this process still reads are added with <see cref="AddOlderVersion{TOld, TNewer}"/>.
    /// </summary>
    public MessagingBuilder AddEvent<TEvent>(
        string stream, JsonTypeInfo<TEvent> typeInfo, string? typeName = null, Func<TEvent, string>? partitionKey = null, int version = 1)
        where TEvent : IntegrationEvent
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Services.AddSingleton(new EventRegistration(
            typeof(TEvent), typeName ?? typeof(TEvent).Name, stream, typeInfo,
            partitionKey is null ? null : @event => partitionKey((TEvent)@event), version));
        return this;
    }

    /// <summary>
    /// Reads version <paramref name="version"/> of an event, whose entries' <c>data</c> has the shape
    /// <typeparamref name="TOld"/>, and turns each into a <typeparamref name="TNewer"/> with <paramref name="upcast"/>
    /// before any handler sees it. <typeparamref name="TNewer"/> is the current event (registered with
    /// <see cref="AddEvent{TEvent}"/>) or the shape of the next older version, so each upcaster takes one step and
    /// the bus chains them: handlers only ever see the current record. Keep an older version for as long as any
    /// stream, dead-letter stream or outbox row can hold it.
    /// </summary>
    public MessagingBuilder AddOlderVersion<TOld, TNewer>(int version, JsonTypeInfo<TOld> typeInfo, Func<TOld, TNewer> upcast)
        where TOld : IntegrationEvent
        where TNewer : IntegrationEvent
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(upcast);
        Services.AddSingleton(new OlderVersionRegistration(typeof(TOld), version, typeInfo, typeof(TNewer), old => upcast((TOld)old)));
        return this;
    }

    /// <summary>
    /// Handles every <typeparamref name="TEvent"/> with <typeparamref name="THandler"/>: consumes the stream the event
    /// is published to (registered with <see cref="AddEvent{TEvent}"/> before this) with this service's consumer group.
    /// A service's list of these calls is its wiring in one place, and it is checked when the host starts: a declared
    /// handler Mediator does not know, or a Mediator handler of a consumed event that is not declared, stops the start
    /// with what to change.
    /// </summary>
    public MessagingBuilder Subscribe<TEvent, THandler>()
        where TEvent : IntegrationEvent
        where THandler : INotificationHandler<TEvent>
    {
        var registration = Services
            .Where(descriptor => !descriptor.IsKeyedService)
            .Select(descriptor => descriptor.ImplementationInstance)
            .OfType<EventRegistration>()
            .LastOrDefault(registration => registration.EventType == typeof(TEvent))
            ?? throw new InvalidOperationException(
                $"{typeof(TEvent).Name} is not a registered event: register it (AddEvent, or the contracts' AddShopEvents) before subscribing to it.");
        Services.AddSingleton(new EventSubscription(typeof(TEvent), typeof(THandler)));
        return IsConsumed(registration.Stream) ? this : Consume(registration.Stream);
    }

    /// <summary>
    /// Consumes <paramref name="stream"/> with this service's consumer group. Events of the stream are dispatched
    /// to their Mediator <c>INotificationHandler&lt;T&gt;</c>s; types without a handler are acknowledged and skipped.
    /// A service declares its handlers with <see cref="Subscribe{TEvent, THandler}"/>, which calls this.
    /// </summary>
    public MessagingBuilder Consume(string stream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        Services.AddSingleton(new StreamSubscription(stream));
        return this;
    }

    private bool IsConsumed(string stream) => Services.Any(descriptor =>
        !descriptor.IsKeyedService && descriptor.ImplementationInstance is StreamSubscription subscription && subscription.Stream == stream);
}
