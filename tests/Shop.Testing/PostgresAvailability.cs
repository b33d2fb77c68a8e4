using Shop.AppHost.Database;

namespace Shop.Testing;

/// <summary>
/// Whether this machine can give the PostgreSQL suites a server. SQLite is Shop's default, and <c>dotnet test</c> needs
/// nothing but the .NET SDK and Redis: on a machine with neither PostgreSQL's server nor Docker, every PostgreSQL test
/// is reported skipped with <see cref="MissingReason"/> (what to install) — visibly, never a silent pass. CI sets
/// <c>SHOP_TEST_REQUIRE_POSTGRES=1</c>, which makes a missing server a failure instead.
/// </summary>
public static class PostgresAvailability
{
    /// <summary><c>SHOP_TEST_REQUIRE_POSTGRES=1</c>: a PostgreSQL test without a server fails instead of being skipped.</summary>
    public static bool Required { get; } = Environment.GetEnvironmentVariable("SHOP_TEST_REQUIRE_POSTGRES") == "1";

    /// <summary><c>SHOP_TEST_NO_POSTGRES=1</c>: behave as a machine without PostgreSQL (to see the skip, or to save the time).</summary>
    public static bool Refused { get; } = Environment.GetEnvironmentVariable("SHOP_TEST_NO_POSTGRES") == "1";

    public static string MissingReason =>
        "The PostgreSQL suites need PostgreSQL's server or Docker, and this machine has neither. Install PostgreSQL " +
        "(Debian/Ubuntu: 'sudo apt-get install -y postgresql'; macOS: 'brew install postgresql@17'; Windows: the EDB " +
        $"installer), or Docker, or set {PostgresFixture.ConnectionStringVariable} to a superuser's connection string.";

    /// <summary>
    /// True when a test may start a PostgreSQL server of its own from this machine's binaries (the chaos suite, which
    /// kills it; the AppHost's local server, where no Docker path is asked for).
    /// </summary>
    public static bool BinariesInstalled => !Refused && PostgresBinaries.Find() is not null;

    /// <summary>Skips the running test (or fails it, when required) where the machine offers no PostgreSQL at all.</summary>
    public static void SkipUnless(bool available)
    {
        if (available)
        {
            return;
        }

        if (Required)
        {
            throw new InvalidOperationException(MissingReason);
        }

        Xunit.Assert.Skip(MissingReason);
    }
}
