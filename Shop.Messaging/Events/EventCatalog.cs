using System.Collections.Frozen;

namespace Shop.Messaging.Events;

/// <summary>
/// Every event type this process knows, by CLR type (to publish) and by stream and type name (to consume).
/// Built once at start-up from the <see cref="EventRegistration"/>s in the container.
/// </summary>
internal sealed class EventCatalog
{
    private readonly FrozenDictionary<Type, EventRegistration> _byType;
    private readonly FrozenDictionary<(string Stream, string TypeName), EventRegistration> _byName;

    /// <summary>Builds the catalog; a type registered twice, or two types with one name on one stream, is a start-up error.</summary>
    public EventCatalog(IEnumerable<EventRegistration> registrations)
    {
        var byType = new Dictionary<Type, EventRegistration>();
        var byName = new Dictionary<(string, string), EventRegistration>();
        foreach (var registration in registrations)
        {
            if (!byType.TryAdd(registration.EventType, registration))
            {
                throw new InvalidOperationException($"The event type {registration.EventType} is registered twice.");
            }

            if (!byName.TryAdd((registration.Stream, registration.TypeName), registration))
            {
                throw new InvalidOperationException(
                    $"The stream '{registration.Stream}' has two event types named '{registration.TypeName}'.");
            }
        }

        _byType = byType.ToFrozenDictionary();
        _byName = byName.ToFrozenDictionary();
    }

    /// <summary>The registration of a CLR event type; throws when it was never registered.</summary>
    public EventRegistration Get(Type eventType) =>
        _byType.TryGetValue(eventType, out var registration)
            ? registration
            : throw new InvalidOperationException(
                $"The event type {eventType} is not registered: call AddEvent<{eventType.Name}>(stream, typeInfo).");

    /// <summary>The registration of a type name read from a stream, if this process knows it.</summary>
    public bool TryGet(string stream, string typeName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EventRegistration? registration) =>
        _byName.TryGetValue((stream, typeName), out registration);
}
