using System.ComponentModel.DataAnnotations;

namespace Shop.Contracts;

/// <summary>
/// A request field that must be a SKU (<see cref="Identifiers.IsSku"/>): the rule InventoryService holds to, checked
/// by ASP.NET Core's validation (<c>AddValidation()</c>) before an endpoint runs. Absent passes; pair it with
/// <see cref="RequiredAttribute"/> where the SKU is required.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class SkuAttribute() : ValidationAttribute(Identifiers.InvalidSku)
{
    public override bool IsValid(object? value) => value is null || Identifiers.IsSku(value as string);
}
