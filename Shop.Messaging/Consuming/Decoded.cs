using Shop.Messaging.Events;

namespace Shop.Messaging.Consuming;

/// <summary>
/// What the decode step made of a delivery: an event whose handlers are to be invoked, or none — then
/// <see cref="Settled"/> says whether the entry is done with (skipped or dead-lettered: acknowledge it) or not
/// (the dead-letter write failed: it stays pending).
/// </summary>
internal readonly record struct Decoded(Delivery Delivery, EntryEnvelope? Envelope, IntegrationEvent? Event, bool Settled)
{
    public static Decoded Done(Delivery delivery) => new(delivery, null, null, Settled: true);

    public static Decoded Pending(Delivery delivery) => new(delivery, null, null, Settled: false);
}
