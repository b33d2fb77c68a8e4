using System.Diagnostics;

namespace Shop.Bench;

/// <summary>
/// Sends at a fixed rate. Task.Delay has a ~4 ms timer resolution here, so the pacer sleeps the thread in 1 ms
/// steps and then sends whatever is due: at 1,000/s that is one or two sends per wake-up. It never spins: on two
/// cores a spinning sender would steal the CPU from the consumer it measures.
/// </summary>
internal static class Pacer
{
    public static async Task RunAsync(int ratePerSecond, int count, Func<int, long, Task> send)
    {
        var start = Stopwatch.GetTimestamp();
        var interval = (double)Stopwatch.Frequency / ratePerSecond;
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * interval);
            while (due > Stopwatch.GetTimestamp())
            {
                Thread.Sleep(1);
            }

            await send(i, Stopwatch.GetTimestamp());
        }
    }
}
