using System.Diagnostics;

namespace Shop.Bench.Harness;

/// <summary>
/// Sends at a fixed rate. Task.Delay has a ~4 ms timer resolution here, so the pacer sleeps the thread in 1 ms
/// steps and then sends whatever is due, all of it in flight at once (at 10,000/s that is ten per wake-up), and
/// waits for those before sleeping again. It never spins: on two cores a spinning sender would steal the CPU from
/// the consumer it measures. Each send gets the Stopwatch timestamp of the moment it was issued.
/// </summary>
internal static class Pacer
{
    public static async Task RunAsync(int ratePerSecond, int count, Func<int, long, Task> send)
    {
        var start = Stopwatch.GetTimestamp();
        var interval = (double)Stopwatch.Frequency / ratePerSecond;
        var due = new List<Task>();
        var i = 0;
        while (i < count)
        {
            var now = Stopwatch.GetTimestamp();
            while (i < count && start + (long)(i * interval) <= now)
            {
                due.Add(send(i, Stopwatch.GetTimestamp()));
                i++;
            }

            await Task.WhenAll(due);
            due.Clear();
            if (i < count && start + (long)(i * interval) > Stopwatch.GetTimestamp())
            {
                Thread.Sleep(1);
            }
        }
    }
}
