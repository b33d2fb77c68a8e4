using System.Runtime.InteropServices;

namespace Shop.Bench.Harness;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, long MemoryBytes, string OperatingSystem, string Runtime, string RedisVersion)
{
    public static MachineInfo Describe(string redisVersion) => new(
        CpuModel(),
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        redisVersion);

    public override string ToString() =>
        $"{Cores} cores ({Cpu}), {MemoryBytes / (1L << 30)} GiB, {OperatingSystem}, {Runtime}, Redis {RedisVersion}";

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        var model = File.Exists(cpuInfo)
            ? File.ReadLines(cpuInfo).FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))
            : null;
        return model?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
