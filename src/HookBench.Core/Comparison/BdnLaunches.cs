using System.Text.Json;
using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Comparison;

/// <summary>
/// One BenchmarkDotNet launch (benchmark process) of one cell: hooked and unhooked loops alternated inside every
/// invocation, so both ran in the same process, with the same JIT-placed loop, at the same moments; the
/// overhead is the median over invocations of (hooked − unhooked) per call.
/// </summary>
public sealed record BdnLaunch(string Key, double OverheadNs, double HookedNs, double UnhookedNs, long Invocations);

/// <summary>
/// The launches of a BenchmarkDotNet run (<c>hookbench-launches.json</c> beside BenchmarkDotNet's reports), which
/// is what compare and the tables use: a launch is one sample, because what differs between launches (the
/// JIT's placement of the loop, the process's pages) is frozen within one.
/// </summary>
public static class BdnLaunches
{
    public const string FileName = "hookbench-launches.json";

    /// <summary>Where benchmark processes leave their launch files (an environment variable naming a folder).</summary>
    public const string DirectoryVariable = "HOOKBENCH_BDN_LAUNCHES";

    /// <summary>A benchmark process's record of itself, one file per launch (named so that launches never collide).</summary>
    public static void WriteLaunch(string directory, BdnLaunch launch)
    {
        Directory.CreateDirectory(directory);
        string name = $"{launch.Key.Replace('/', '_')}.{Environment.ProcessId}.{Guid.NewGuid():N}.json";
        File.WriteAllText(Path.Combine(directory, name), JsonSerializer.Serialize(launch, SummaryJson.Options));
    }

    /// <summary>Every launch file in <paramref name="directory"/>, grouped by cell key (empty when there is none).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<BdnLaunch>> ReadLaunches(string directory)
    {
        if (!Directory.Exists(directory))
            return new Dictionary<string, IReadOnlyList<BdnLaunch>>();
        return Directory.EnumerateFiles(directory, "*.json")
            .Select(f => JsonSerializer.Deserialize<BdnLaunch>(File.ReadAllText(f), SummaryJson.Options)!)
            .GroupBy(l => l.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<BdnLaunch>)[.. g], StringComparer.Ordinal);
    }

    public static string Serialize(IReadOnlyDictionary<string, IReadOnlyList<BdnLaunch>> launches) =>
        JsonSerializer.Serialize(launches.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value), SummaryJson.Options);

    /// <summary>
    /// The launches file beside a BenchmarkDotNet report, or null when the run predates it. It is untrusted input
    /// like the report: read through the same bounded reader, and every launch must hold finite, plausible times
    /// (a hooked or unhooked call in (0, 1 s], an overhead within ±1 s, at least one invocation) under its own key.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<BdnLaunch>>? ReadBeside(string reportFile)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportFile))!, FileName);
        if (!File.Exists(path))
            return null;
        Dictionary<string, List<BdnLaunch>?>? parsed;
        try
        {
            parsed = ResultFileReader.Read(path, stream => JsonSerializer.Deserialize<Dictionary<string, List<BdnLaunch>?>>(stream, SummaryJson.Options));
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: corrupt JSON ({ResultFileReader.OneLine(e.Message)})");
        }

        if (parsed is null || parsed.Count == 0)
            throw new UsageException($"{path}: holds no launches; a gate cannot judge missing data (delete it to compare the report's medians)");
        var launches = new Dictionary<string, IReadOnlyList<BdnLaunch>>(StringComparer.Ordinal);
        foreach (var (key, list) in parsed)
        {
            string at = $"{path}: {JsonOutline.Printable(key)}";
            if (list is null || list.Count == 0)
                throw new UsageException($"{at} lists no launches");
            foreach (var launch in list)
            {
                if (launch is null || launch.Key != key)
                    throw new UsageException($"{at} holds a launch that is null or filed under another key");
                bool plausible = double.IsFinite(launch.OverheadNs) && Math.Abs(launch.OverheadNs) <= SummaryValidation.MaxNs
                    && launch.HookedNs is > 0 and <= SummaryValidation.MaxNs && launch.UnhookedNs is > 0 and <= SummaryValidation.MaxNs
                    && launch.Invocations >= 1;
                if (!plausible)
                    throw new UsageException($"{at} holds a launch with times that are not finite ns within one second, or no invocation");
            }

            launches[key] = list;
        }

        return launches;
    }

    /// <summary>A cell's overhead over its launches: the pseudo-median with the signed-rank interval (none below 6 launches).</summary>
    public static Estimate Overhead(IReadOnlyList<BdnLaunch> launches) => RobustStatistics.Center([.. launches.Select(l => l.OverheadNs)]);

    /// <summary>The cells of a BenchmarkDotNet run for compare: one overhead sample per launch, each its own cluster.</summary>
    public static Dictionary<string, ComparableCell> Cells(IReadOnlyDictionary<string, IReadOnlyList<BdnLaunch>> launches) =>
        launches.ToDictionary(
            p => p.Key,
            p => new ComparableCell(p.Key, "overhead ns (per launch)", [.. p.Value.Select(l => l.OverheadNs)], Overhead(p.Value).Median,
                p.Value.Select(l => l.HookedNs).Order().ElementAt(p.Value.Count / 2)),
            StringComparer.Ordinal);
}
