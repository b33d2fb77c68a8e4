using System.Diagnostics;
using System.Globalization;

namespace Shop.Testing;

/// <summary>Signals to a process of the tests' own: SIGSTOP freezes it (its sockets stay open, it answers nothing), SIGCONT resumes it.</summary>
public static class ProcessSignals
{
    public static void Freeze(int processId) => Send("STOP", processId);

    public static void Thaw(int processId) => Send("CONT", processId);

    private static void Send(string signal, int processId)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {processId.ToString(CultureInfo.InvariantCulture)}") { UseShellExecute = false })
                         ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {processId} exited with {kill.ExitCode}.");
        }
    }
}
