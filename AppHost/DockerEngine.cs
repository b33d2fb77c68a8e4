using System.Diagnostics;

namespace Shop.AppHost;

/// <summary>Whether a Docker engine answers here: what the <c>Auto</c> modes of Redis and of the database decide by.</summary>
internal static class DockerEngine
{
    private static readonly Lazy<bool> s_answers = new(Ask);

    /// <summary>Asked once per AppHost run (<c>docker info</c> takes a moment, and the answer does not change meanwhile).</summary>
    public static bool Answers => s_answers.Value;

    private static bool Ask()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (docker is null)
            {
                return false;
            }

            if (!docker.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                docker.Kill();
                return false;
            }

            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No docker client on the PATH.
            return false;
        }
    }
}
