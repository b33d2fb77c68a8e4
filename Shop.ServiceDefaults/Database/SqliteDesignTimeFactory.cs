using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Shop.ServiceDefaults;

/// <summary>
/// What <c>dotnet ef migrations add … --context XxxDb</c> builds the SQLite model from. Without it the PostgreSQL
/// factory would be used for <c>XxxDb</c> too: <see cref="IDesignTimeDbContextFactory{TContext}"/> is covariant, and
/// <c>XxxDbOnPostgres</c> is an <c>XxxDb</c>. The file is never opened.
/// </summary>
public abstract class SqliteDesignTimeFactory<TDbContext> : IDesignTimeDbContextFactory<TDbContext>
    where TDbContext : DbContext
{
    public TDbContext CreateDbContext(string[] args) =>
        (TDbContext)Activator.CreateInstance(typeof(TDbContext), new DbContextOptionsBuilder<TDbContext>().UseSqlite("Data Source=design-time.db").Options)!;
}
