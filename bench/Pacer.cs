using System.Diagnostics;

namespace Shop.Bench;

/// <summary>
/// Sends at a fixed rate. Task.Delay has a ~4 ms timer resolution here, so the pacer sleeps the thread for 1 ms
/// while far from the next send and spins only for the last stretch.
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
            while (true)
            {
                var ahead = due - Stopwatch.GetTimestamp();
                if (ahead <= 0)
                {
                    break;
                }

                if (ahead > Stopwatch.Frequency / 500)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.SpinWait(20);
                }
            }

            await send(i, Stopwatch.GetTimestamp());
        }
    }
}
