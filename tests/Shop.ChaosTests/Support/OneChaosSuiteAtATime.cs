namespace Shop.ChaosTests.Support;

/// <summary>
/// The chaos suites (SQLite and PostgreSQL) take turns on the machine: <c>dotnet test</c> runs test projects at once,
/// and two suites that each kill processes and time recoveries on two shared cores would blur each other's deadlines.
/// An assembly fixture holds a lock file for the whole suite, so the other suite waits before its first test starts —
/// the wait is not counted in any test's duration.
/// </summary>
public sealed class OneChaosSuiteAtATime : IAsyncLifetime
{
    private static readonly string LockFile = Path.Combine(Path.GetTempPath(), "shop-chaos-suite.lock");
    private FileStream? _turn;

    public async ValueTask InitializeAsync()
    {
        while (true)
        {
            try
            {
                // FileShare.None: a lock every process on this machine sees, released when the stream closes or the process dies.
                _turn = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return;
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200)); // the other suite is running; its end is what we wait for
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _turn?.Dispose();
        return ValueTask.CompletedTask;
    }
}
