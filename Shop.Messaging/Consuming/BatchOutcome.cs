using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>What <see cref="EntryProcessor.ProcessTogetherAsync"/> did: the entries done with, and those left for one-by-one handling.</summary>
internal sealed record BatchOutcome(IReadOnlyList<RedisValue> Done, IReadOnlyList<Delivery> OneByOne);
