using Shop.Messaging.Events;

namespace Shop.Messaging.Consuming;

/// <summary>
/// What the decode step made of a delivery, and so what happens to it next: one of three, and nothing else (the
/// constructor is private, so no fourth case can appear elsewhere).
/// </summary>
internal abstract record Decoded
{
    private Decoded(Delivery delivery) => Delivery = delivery;

    public Delivery Delivery { get; }

    /// <summary>An event to hand to its handlers (<see cref="HandlerInvoker"/>, or <see cref="BatchInvoker"/> with its neighbours).</summary>
    public sealed record Invoke(Delivery Delivery, EntryEnvelope Envelope, IntegrationEvent Event) : Decoded(Delivery);

    /// <summary>Done with, nothing to invoke: skipped (trimmed, no handler here) or dead-lettered. Acknowledge it.</summary>
    public sealed record Acknowledge(Delivery Delivery) : Decoded(Delivery);

    /// <summary>To be dead-lettered, but the dead-letter write failed: it stays pending and is decided again on redelivery.</summary>
    public sealed record LeavePending(Delivery Delivery) : Decoded(Delivery);
}
