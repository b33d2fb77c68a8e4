using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Messaging.DependencyInjection;
using Shop.Messaging.Events;

namespace Shop.Services.Tests.Schemas;

/// <summary>One version of one of Shop's events, as the services' catalog reads it.</summary>
public sealed record EventVersion(string Stream, string TypeName, int Version, bool IsCurrent, JsonTypeInfo JsonTypeInfo)
{
    /// <summary>Where its JSON schema is committed, relative to the repository: <c>docs/schemas/orders/OrderPlaced.v1.json</c>.</summary>
    public string SchemaPath => Path.Combine("docs", "schemas", Stream, $"{TypeName}.v{Version}.json");

    /// <summary>Every version of every Shop event the services read: the current ones, and the older ones still upcast.</summary>
    public static IReadOnlyList<EventVersion> All()
    {
        var services = new ServiceCollection();
        new MessagingBuilder(services).AddShopEvents();
        var registrations = services.Select(service => service.ImplementationInstance).OfType<EventRegistration>().ToList();
        var catalog = new EventCatalog(registrations, services.Select(service => service.ImplementationInstance).OfType<OlderVersionRegistration>());
        return
        [
            .. registrations.SelectMany(registration => catalog.TryGet(registration.Stream, registration.TypeName, out var contract)
                ? contract.Readers.Values.Select(reader => new EventVersion(
                    registration.Stream, registration.TypeName, reader.Version, reader.Upcast is null, reader.JsonTypeInfo))
                : throw new InvalidOperationException($"{registration.TypeName} is registered but not in the catalog.")),
        ];
    }

    /// <summary>One version by its name, <c>OrderPlaced v1</c>.</summary>
    public static EventVersion Named(string name) => All().Single(version => version.ToString() == name);

    public override string ToString() => $"{TypeName} v{Version}";
}
