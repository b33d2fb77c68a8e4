using System.Text.Json.Serialization;
using Mediator;

namespace Shop.Messaging.Events;

/// <summary>
/// The base of every event that crosses a service boundary. Derive a <c>sealed record</c> per event; its
/// properties become the entry's <c>data</c> JSON, while <see cref="Id"/> and <see cref="OccurredAt"/> travel
/// in the entry's own <c>id</c> and <c>occurredAt</c> fields.
/// </summary>
/// <remarks>
/// It is a Mediator <see cref="INotification"/> so that the bus can dispatch a deserialized event to every
/// handler of its runtime type.
/// </remarks>
public abstract record IntegrationEvent : INotification
{
    /// <summary>The event's own id: the key for idempotent handling. Never reused.</summary>
    [JsonIgnore]
    public Guid Id { get; init; } = EventIds.NewId();

    /// <summary>
    /// When the domain change happened (UTC). Leave it at its default: the event is stamped once, when it is added to
    /// the outbox or published, by the host's <see cref="TimeProvider"/>. Set it only where the domain keeps the time
    /// itself and the event must carry that very time — an order's status event, republished by a re-drive.
    /// </summary>
    [JsonIgnore]
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>
    /// What is wrong with this event's content, one sentence per broken rule naming its JSON field; empty when it is
    /// valid. Override it with the event's own rules (ids present, positive quantities, bounded strings and lists).
    /// </summary>
    /// <remarks>
    /// The bus checks every event it reads before any handler sees it: an entry whose event breaks a rule is
    /// dead-lettered at once with the reasons (no retry, no redelivery — no attempt could ever fix it) and changes
    /// nothing. It checks every event it is given to publish too, and refuses an invalid one
    /// (<see cref="InvalidEventException"/>), so a service never writes what its consumers would refuse.
    /// </remarks>
    public virtual IEnumerable<string> Validate() => [];
}
