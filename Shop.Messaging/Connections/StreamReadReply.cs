using StackExchange.Redis;

namespace Shop.Messaging.Connections;

/// <summary>
/// Parses the reply of a raw <c>XREADGROUP</c> for one stream. Over RESP2 the reply is
/// <c>[[stream, entries]]</c>; over RESP3 (the default of StackExchange.Redis 3) it is a map
/// <c>{stream: entries}</c>; a timed-out BLOCK is nil in both.
/// </summary>
internal static class StreamReadReply
{
    public static StreamEntry[] Parse(RedisResult reply)
    {
        if (reply.IsNull)
        {
            return [];
        }

        var top = (RedisResult[])reply!;
        RedisResult entries;
        if (reply.Resp3Type == ResultType.Map)
        {
            // A map arrives flattened: key, value, key, value.
            if (top.Length < 2)
            {
                return [];
            }

            entries = top[1];
        }
        else
        {
            if (top.Length == 0)
            {
                return [];
            }

            entries = ((RedisResult[])top[0]!)[1];
        }

        if (entries.IsNull)
        {
            return [];
        }

        var items = (RedisResult[])entries!;
        var result = new StreamEntry[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var pair = (RedisResult[])items[i]!;
            result[i] = new StreamEntry((RedisValue)pair[0], ParseFields(pair[1]));
        }

        return result;
    }

    private static NameValueEntry[] ParseFields(RedisResult fields)
    {
        if (fields.IsNull)
        {
            return [];
        }

        var flat = (RedisValue[])fields!;
        var result = new NameValueEntry[flat.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new NameValueEntry(flat[2 * i], flat[(2 * i) + 1]);
        }

        return result;
    }
}
