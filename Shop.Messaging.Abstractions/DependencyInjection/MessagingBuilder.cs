using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;

namespace Shop.Messaging.DependencyInjection;

/// <summary>Declares which events this service knows and which streams it consumes.</summary>
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
    /// </summary>
    public MessagingBuilder AddEvent<TEvent>(
        string stream, JsonTypeInfo<TEvent> typeInfo, string? typeName = null, Func<TEvent, string>? partitionKey = null)
        where TEvent : IntegrationEvent
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(typeInfo);
        Services.AddSingleton(new EventRegistration(
            typeof(TEvent), typeName ?? typeof(TEvent).Name, stream, typeInfo,
            partitionKey is null ? null : @event => partitionKey((TEvent)@event)));
        return this;
    }

    /// <summary>
    /// Consumes <paramref name="stream"/> with this service's consumer group. Events of the stream are dispatched
    /// to their Mediator <c>INotificationHandler&lt;T&gt;</c>s; types without a handler are acknowledged and skipped.
    /// </summary>
    public MessagingBuilder Consume(string stream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        Services.AddSingleton(new StreamSubscription(stream));
        return this;
    }
}
