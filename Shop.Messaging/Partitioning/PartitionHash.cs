using System.Buffers;
using System.Text;

namespace Shop.Messaging.Partitioning;

/// <summary>
/// FNV-1a (32 bit) of a partition key's UTF-8 bytes: stable across processes, machines and .NET versions (unlike
/// <see cref="string.GetHashCode()"/>), cheap, and simple enough to compute by hand in any language that has to find
/// the partition of a key. Spreading keys evenly is all it is for; nothing here needs a cryptographic hash.
/// </summary>
internal static class PartitionHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>The partition, 0 to <paramref name="partitions"/> − 1, of <paramref name="partitionKey"/>.</summary>
    public static int PartitionOf(string partitionKey, int partitions) => (int)(Of(partitionKey) % (uint)partitions);

    public static uint Of(string partitionKey)
    {
        var length = Encoding.UTF8.GetMaxByteCount(partitionKey.Length);
        byte[]? rented = null;
        var buffer = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var hash = OffsetBasis;
            foreach (var b in buffer[..Encoding.UTF8.GetBytes(partitionKey, buffer)])
            {
                hash = (hash ^ b) * Prime;
            }

            return hash;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
