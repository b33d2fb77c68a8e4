using System.Diagnostics;

namespace Shop.Bench.Harness;

/// <summary>
/// Sends at a fixed rate (open loop). Task.Delay has a ~4 ms timer resolution here, so the pacer sleeps the thread in
/// 1 ms steps and then sends whatever is due, all of it in flight at once (at 10,000/s that is ten per wake-up), and
/// waits for those before sleeping again. It never spins: on two cores a spinning sender would steal the CPU from the
/// consumer it measures.
/// </summary>
/// <remarks>
/// Each send gets the Stopwatch timestamp of the moment it was <em>due</em> (start + i / rate), not the moment it went
/// out: when the system under test stalls the sender (a GC pause, a full socket, the machine's other processes), the
/// sends it held back are late, and that lateness is part of their latency. Timing from the actual send would hide it
/// ("coordinated omission": the stall delays exactly the samples that would have shown it).
/// </remarks>
internal static class Pacer
{
    public static async Task RunAsync(int ratePerSecond, int count, Func<int, long, Task> send)
    {
        var start = Stopwatch.GetTimestamp();
        var interval = (double)Stopwatch.Frequency / ratePerSecond;
        long Due(int index) => start + (long)(index * interval);
        var due = new List<Task>();
        var i = 0;
        while (i < count)
        {
            var now = Stopwatch.GetTimestamp();
            while (i < count && Due(i) <= now)
            {
                due.Add(send(i, Due(i)));
                i++;
            }

            await Task.WhenAll(due);
            due.Clear();
            if (i < count && Due(i) > Stopwatch.GetTimestamp())
            {
                Thread.Sleep(1);
            }
        }
    }
}
