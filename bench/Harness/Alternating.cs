namespace Shop.Bench.Harness;

/// <summary>
/// Runs every variant of a scenario once to warm up (JIT, connection pools), then all of them in turn,
/// <c>repetitions</c> times, so that drift on a shared machine hits every variant alike.
/// </summary>
internal static class Alternating
{
    /// <returns>Each variant's figures, one per repetition, in the order the variants were given.</returns>
    public static async Task<List<double>[]> RunAsync(int repetitions, params Func<Task<double>>[] variants)
    {
        foreach (var variant in variants)
        {
            await variant();
        }

        var figures = variants.Select(_ => new List<double>()).ToArray();
        for (var run = 0; run < repetitions; run++)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                figures[i].Add(await variants[i]());
            }
        }

        return figures;
    }
}
