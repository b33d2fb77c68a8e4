namespace Shop.Bench.Harness;

/// <summary>Waits for a condition the benchmark can observe, with a deadline so a broken run fails instead of hanging.</summary>
internal static class Until
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}, in vain.");
            }

            await Task.Delay(5);
        }
    }
}
