using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Shop.ServiceDefaults;

/// <summary>
/// What <c>dotnet ef migrations add … --context XxxDbOnPostgres</c> builds the PostgreSQL model from. Adding a
/// migration needs no server: the connection string is never opened.
/// </summary>
public abstract class PostgresDesignTimeFactory<TDbContext, TOnPostgres> : IDesignTimeDbContextFactory<TOnPostgres>
    where TDbContext : DbContext
    where TOnPostgres : TDbContext
{
    public TOnPostgres CreateDbContext(string[] args) =>
        (TOnPostgres)Activator.CreateInstance(typeof(TOnPostgres), new DbContextOptionsBuilder<TDbContext>().UseNpgsql("Host=localhost").Options)!;
}
