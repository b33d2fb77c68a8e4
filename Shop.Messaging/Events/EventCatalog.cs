using System.Collections.Frozen;

namespace Shop.Messaging.Events;

/// <summary>
/// Every event type this process knows, by CLR type (to publish) and by stream and type name (to consume), with every
/// version it reads. Built once at start-up from the <see cref="EventRegistration"/>s and
/// <see cref="OlderVersionRegistration"/>s in the container; a registration that does not fit is a start-up error.
/// </summary>
internal sealed class EventCatalog
{
    private readonly FrozenDictionary<Type, EventRegistration> _byType;
    private readonly FrozenDictionary<(string Stream, string TypeName), EventContract> _byName;

    public EventCatalog(IEnumerable<EventRegistration> registrations, IEnumerable<OlderVersionRegistration> olderVersions)
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

        var readers = byType.Values.ToDictionary(
            registration => registration.EventType,
            registration => new Dictionary<int, EventReader> { [registration.Version] = new(registration.Version, registration.JsonTypeInfo, Upcast: null) });
        var older = olderVersions.ToList();
        var byShape = older.ToDictionary(version => version.ShapeType);
        foreach (var version in older)
        {
            var (current, upcast) = Chain(version, byType, byShape);
            if (version.Version >= current.Version || !readers[current.EventType].TryAdd(version.Version, new(version.Version, version.JsonTypeInfo, upcast)))
            {
                throw new InvalidOperationException(
                    $"{version.ShapeType.Name} is registered as version {version.Version} of {current.TypeName}, whose current version is "
                    + $"{current.Version} and whose versions are {string.Join(", ", readers[current.EventType].Keys.Order())}: an older version is below the current one, and each version has one shape.");
            }
        }

        _byType = byType.ToFrozenDictionary();
        _byName = byName.ToFrozenDictionary(pair => pair.Key, pair => new EventContract(pair.Value, readers[pair.Value.EventType].ToFrozenDictionary()));
    }

    /// <summary>The registration of a CLR event type; throws when it was never registered.</summary>
    public EventRegistration Get(Type eventType) =>
        _byType.TryGetValue(eventType, out var registration)
            ? registration
            : throw new InvalidOperationException(
                $"The event type {eventType} is not registered: call AddEvent<{eventType.Name}>(stream, typeInfo).");

    /// <summary>The contract of a type name read from a stream, if this process knows it.</summary>
    public bool TryGet(string stream, string typeName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EventContract? contract) =>
        _byName.TryGetValue((stream, typeName), out contract);

    /// <summary>The current event an older version leads to, and its upcasters composed into one step.</summary>
    private static (EventRegistration Current, Func<IntegrationEvent, IntegrationEvent> Upcast) Chain(
        OlderVersionRegistration version, Dictionary<Type, EventRegistration> byType, Dictionary<Type, OlderVersionRegistration> byShape)
    {
        var upcast = version.Upcast;
        var target = version.NewerType;
        for (var steps = 0; !byType.ContainsKey(target); steps++)
        {
            if (!byShape.TryGetValue(target, out var next) || steps > byShape.Count)
            {
                throw new InvalidOperationException(
                    $"{version.ShapeType.Name} (version {version.Version}) upcasts to {target.Name}, which is neither a registered event nor a registered older version.");
            }

            var (first, then) = (upcast, next.Upcast);
            upcast = @event => then(first(@event));
            target = next.NewerType;
        }

        return (byType[target], upcast);
    }
}
