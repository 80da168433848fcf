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

    /// <summary>Empties the launch folder before a run, so launches of an earlier run in the same folder never mix in.</summary>
    public static void Reset(string launchDirectory)
    {
        if (Directory.Exists(launchDirectory))
            Directory.Delete(launchDirectory, recursive: true);
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
