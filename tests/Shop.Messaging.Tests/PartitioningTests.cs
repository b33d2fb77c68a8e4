using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Partitioning;

namespace Shop.Messaging.Tests;

/// <summary>The naming and hashing rules every process must agree on: a change here moves events to other partitions.</summary>
public sealed class PartitioningTests
{
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Partition_hash_is_FNV_1a_32_of_the_UTF8_bytes(string key, uint expected) =>
        Assert.Equal(expected, PartitionHash.Of(key));

    [Fact]
    public void Long_and_non_ASCII_keys_hash_their_UTF8_bytes_too()
    {
        var longKey = new string('é', 500); // 1,000 UTF-8 bytes: past the stack buffer
        var expected = 0x811c9dc5u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(longKey))
        {
            expected = (expected ^ b) * 16777619;
        }

        Assert.Equal(expected, PartitionHash.Of(longKey));
    }

    [Fact]
    public void One_partition_is_the_stream_itself_and_more_are_hash_tagged_keys()
    {
        Assert.Equal(["orders"], StreamNames.Keys("orders", 1));
        Assert.Equal(["orders:{0}", "orders:{1}", "orders:{2}"], StreamNames.Keys("orders", 3));
        Assert.Equal("orders:{2}:dead-letter", StreamNames.DeadLetter(StreamNames.Partition("orders", 2)));
    }

    [Theory]
    [InlineData("orders:{2}:dead-letter", "orders:{2}")]
    [InlineData("orders:dead-letter", "orders")]
    [InlineData("orders:{2}", null)]
    [InlineData("dead-letter", null)]
    public void A_dead_letter_key_names_the_key_it_holds_the_dead_letters_of(string key, string? source) =>
        Assert.Equal(source, StreamNames.DeadLetterSource(key));

    [Theory]
    [InlineData("orders:{2}", "orders", 2)]
    [InlineData("orders", "orders", null)]
    [InlineData("shop:orders:{11}", "shop:orders", 11)]
    [InlineData("orders:{x}", "orders:{x}", null)]
    [InlineData("orders:{2}:dead-letter", "orders:{2}:dead-letter", null)]
    public void A_key_parses_into_its_stream_and_partition(string key, string stream, int? partition) =>
        Assert.Equal((stream, partition), StreamNames.Parse(key));

    [Fact]
    public void Every_event_of_one_key_goes_to_one_partition_and_a_stream_may_have_partitions_of_its_own()
    {
        var options = new MessagingOptions { Partitions = 3, Streams = { ["inventory"] = new StreamSettings { Partitions = 5 } } };
        var partitioner = new StreamPartitioner(Options.Create(options));
        var orderId = Guid.Parse("01a23aa6-1e92-7791-9868-ab363f70435a").ToString("N");

        Assert.Equal(3, partitioner.KeysOf("orders").Count);
        Assert.Equal(5, partitioner.KeysOf("inventory").Count);
        Assert.Equal(["notifications:{0}", "notifications:{1}", "notifications:{2}"], partitioner.KeysOf("notifications"));
        Assert.Equal(StreamNames.Partition("orders", (int)(PartitionHash.Of(orderId) % 3)), partitioner.KeyFor("orders", orderId));
    }
}
