using Shop.ServiceDefaults;

namespace Shop.InventoryService.Data;

/// <summary>For <c>dotnet ef migrations add &lt;Name&gt; --context InventoryDb --output-dir Data/Migrations/Sqlite</c> (see <see cref="SqliteDesignTimeFactory{TDbContext}"/>).</summary>
internal sealed class InventoryDbOnSqliteFactory : SqliteDesignTimeFactory<InventoryDb>;
