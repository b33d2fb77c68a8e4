namespace Shop.Testing;

/// <summary>
/// Waits on a condition with a deadline: tests synchronise on what they can observe, never on a bare sleep.
/// Cancelled with the running test.
/// </summary>
public static class Wait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var cancellationToken = Xunit.TestContext.Current.CancellationToken;
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}, in vain.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
