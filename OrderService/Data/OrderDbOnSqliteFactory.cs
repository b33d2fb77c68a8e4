using Shop.ServiceDefaults;

namespace Shop.OrderService.Data;

/// <summary>For <c>dotnet ef migrations add &lt;Name&gt; --context OrderDb --output-dir Data/Migrations/Sqlite</c> (see <see cref="SqliteDesignTimeFactory{TDbContext}"/>).</summary>
internal sealed class OrderDbOnSqliteFactory : SqliteDesignTimeFactory<OrderDb>;
