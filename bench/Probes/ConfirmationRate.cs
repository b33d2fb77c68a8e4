namespace Shop.Bench.Probes;

/// <summary>Confirmations per second while orders are being placed: the warm-up curve of freshly started services.</summary>
internal static class ConfirmationRate
{
    /// <summary>Runs <paramref name="placing"/> and counts the confirmations of every whole second it took.</summary>
    public static async Task<List<double>> SampleAsync(ConfirmationWatcher watcher, Func<Task> placing)
    {
        var perSecond = new List<double>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        // The pacer sleeps its thread between sends and returns only when all are sent: it runs on a thread of its own,
        // so that the seconds are counted while it sends.
        var running = Task.Run(placing);
        var last = watcher.Confirmed;
        while (await Task.WhenAny(running, timer.WaitForNextTickAsync().AsTask()) != running)
        {
            var now = watcher.Confirmed;
            perSecond.Add(now - last);
            last = now;
        }

        await running;
        return perSecond;
    }
}
