namespace Shop.Contracts;

/// <summary>
/// The rules Shop's events are checked against, each one sentence naming the JSON field it concerns, as a dead letter's
/// <c>error</c> shows it: <c>Invalid OrderPlaced: items[0].quantity is 0; it must be 1 to 10000.</c> The limits are the
/// ones the HTTP APIs and the databases hold to, so an event that passes them can be stored and answered.
/// </summary>
internal sealed class ContractRules
{
    /// <summary>The longest free text an event carries (a reason): it must fit, with its sentence around it, in a notification (500).</summary>
    public const int MaxReasonLength = 400;

    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public ContractRules Id(Guid value, string field) =>
        Require(value != Guid.Empty, $"{field} is missing or empty.");

    /// <summary>Absent is fine; present, it must not be the empty GUID.</summary>
    public ContractRules OptionalId(Guid? value, string field) =>
        Require(value != Guid.Empty, $"{field} is the empty GUID; leave it out instead.");

    public ContractRules Text(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? Problem($"{field} is missing or blank.")
        : Require(value.Length <= maxLength, $"{field} has {value.Length} characters; at most {maxLength}.");

    public ContractRules CustomerId(string? value, string field = "customerId") =>
        Text(value, field, Identifiers.MaxCustomerIdLength);

    public ContractRules Sku(string? value, string field = "sku") =>
        Require(Identifiers.IsSku(value), $"{field} is {Shown(value)}, not 1 to 64 letters, digits or dashes.");

    public ContractRules Range(int value, string field, int min, int max) =>
        Require(value >= min && value <= max, $"{field} is {value}; it must be {min} to {max}.");

    /// <summary>At least one line and at most <see cref="OrderLine.MaxLinesPerOrder"/>, each a SKU and a quantity of 1 to <paramref name="maxQuantity"/>.</summary>
    public ContractRules Lines(IReadOnlyList<OrderLine>? lines, int maxQuantity, string field = "items")
    {
        if (lines is not { Count: > 0 })
        {
            return Problem($"{field} is missing or empty; an order has at least one line.");
        }

        if (lines.Count > OrderLine.MaxLinesPerOrder)
        {
            return Problem($"{field} has {lines.Count} lines; at most {OrderLine.MaxLinesPerOrder}.");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } line)
            {
                Problem($"{field}[{i}] is null.");
                continue;
            }

            Sku(line.Sku, $"{field}[{i}].sku");
            Range(line.Quantity, $"{field}[{i}].quantity", 1, maxQuantity);
        }

        return this;
    }

    /// <summary>No product on two lines: <c>lines[2].sku</c> repeats <c>lines[0].sku</c>.</summary>
    public ContractRules OneLinePerProduct(IReadOnlyList<OrderLine>? lines, string field)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (lines?.Count ?? 0); i++)
        {
            if (lines![i]?.Sku is { } sku && !first.TryAdd(sku, i))
            {
                Problem($"{field}[{i}].sku repeats {field}[{first[sku]}].sku ({Shown(sku)}); each product is on one line.");
            }
        }

        return this;
    }

    private ContractRules Require(bool valid, string problem) => valid ? this : Problem(problem);

    private ContractRules Problem(string problem)
    {
        _problems.Add(problem);
        return this;
    }

    private static string Shown(string? value) => value is null ? "missing" : value.Length <= 70 ? $"'{value}'" : $"'{value[..64]}…' ({value.Length} characters)";
}
