namespace Shop.ChaosTests.Support;

/// <summary>Marks the assembly that runs the chaos suite with the services on PostgreSQL (see <see cref="ShopUnderChaos"/>).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ChaosOnPostgresAttribute : Attribute;
