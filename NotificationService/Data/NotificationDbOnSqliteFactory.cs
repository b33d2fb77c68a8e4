using Shop.ServiceDefaults;

namespace Shop.NotificationService.Data;

/// <summary>For <c>dotnet ef migrations add &lt;Name&gt; --context NotificationDb --output-dir Data/Migrations/Sqlite</c> (see <see cref="SqliteDesignTimeFactory{TDbContext}"/>).</summary>
internal sealed class NotificationDbOnSqliteFactory : SqliteDesignTimeFactory<NotificationDb>;
