using HookBench.Comparison;

namespace HookBench.Cli.Bdn;

/// <summary>Per-cell overheads of a BenchmarkDotNet run, from its launches: the pseudo-median over launches.</summary>
public static class BdnOverheads
{
    public static Dictionary<string, (double OverheadNs, double BaselineNs)> FromLaunches(string directory)
    {
        var result = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var (key, launches) in BdnLaunches.ReadLaunches(directory))
            result[key] = (BdnLaunches.Overhead(launches).Median, launches.Select(l => l.UnhookedNs).Order().ElementAt(launches.Count / 2));
        return result;
    }

    /// <summary>Collects the benchmark processes' launch files into one file beside BenchmarkDotNet's reports (for compare).</summary>
    public static void Publish(string launchDirectory, string resultsDirectory)
    {
        var launches = BdnLaunches.ReadLaunches(launchDirectory);
        if (launches.Count == 0 || !Directory.Exists(resultsDirectory))
            return;
        Results.AtomicFiles.WriteAll(resultsDirectory, new Dictionary<string, string> { [BdnLaunches.FileName] = BdnLaunches.Serialize(launches) });
    }
}
