namespace Shop.Messaging.Consuming;

/// <summary>A stream this service consumes with its consumer group.</summary>
/// <param name="Stream">The stream's key, e.g. <c>orders</c>.</param>
internal sealed record StreamSubscription(string Stream);
