using System.Text.RegularExpressions;

namespace Shop.Contracts;

/// <summary>
/// The shape of the identifiers the services exchange, in one place: OrderService accepts exactly the SKUs that
/// InventoryService does, and every service limits a customer id alike. The messages are the ones a 400 names.
/// </summary>
public static partial class Identifiers
{
    public const int MaxCustomerIdLength = 100;

    public const string CustomerIdTooLong = "A customer id has at most 100 characters.";

    public const string InvalidSku = "A SKU is 1 to 64 letters, digits or dashes.";

    /// <summary>1 to 64 letters, digits or dashes.</summary>
    public static bool IsSku(string? value) => value is not null && SkuPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex SkuPattern();
}
