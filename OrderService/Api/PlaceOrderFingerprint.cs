using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.OrderService.Api;

/// <summary>
/// What a <c>POST /orders</c> asks for, as a SHA-256: the customer and every line, in order. A request retried with its
/// <c>Idempotency-Key</c> carries the same body and so the same fingerprint; one that reuses the key for something else
/// does not, and gets 422 instead of somebody's order (the IETF <c>Idempotency-Key</c> header draft's answer).
/// </summary>
internal static class PlaceOrderFingerprint
{
    public static string Of(string customerId, IEnumerable<(string Sku, int Quantity)> lines)
    {
        var canonical = new StringBuilder(customerId.Length + 64).Append(customerId).Append('\n');
        foreach (var (sku, quantity) in lines)
        {
            canonical.Append(sku).Append(' ').Append(quantity.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
