using System.Text.Json.Nodes;

namespace HookBench.Tests.Hostile;

/// <summary>
/// Fixtures cut from the repository's published results (results/*/summary.json and its BenchmarkDotNet
/// report), so hostile-input tests start from what HookBench really writes, not from a hand-made sample.
/// </summary>
public static class RealResults
{
    static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bench.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Bench.sln not found above " + AppContext.BaseDirectory);
    });

    // A real run frozen as a fixture (published on this project's Zen 5 VM before the launch design of the
    // BenchmarkDotNet suite), so these tests do not change meaning each time results/ is republished.
    static readonly Lazy<string> Summary = new(() => File.ReadAllText(
        Path.Combine(Root.Value, "tests", "HookBench.Tests", "Fixtures", "published-2026-11-summary.json")));

    static readonly Lazy<string> Report = new(() => File.ReadAllText(
        Path.Combine(Root.Value, "tests", "HookBench.Tests", "Fixtures", "published-2026-11-bdn-report-full.json")));

    // A quick run in the current format (per-round clocks, placements, precision, a kernel probe, a footprint set,
    // an imprecise cell), taken on the same VM on 2026-11-26 and cut to 9 cells: the published fixture predates
    // the clock section, so damage to it was never tried until this one.
    static readonly Lazy<string> Current = new(() => File.ReadAllText(
        Path.Combine(Root.Value, "tests", "HookBench.Tests", "Fixtures", "current-2026-11-summary.json")));

    /// <summary>The current-format summary, whole.</summary>
    public static string CurrentSummary => Current.Value;

    /// <summary>The published summary, whole.</summary>
    public static string FullSummary => Summary.Value;

    /// <summary>The published summary cut to <paramref name="cells"/> cells, spread over its strategies and modes.</summary>
    public static string SummaryText(int cells = 6)
    {
        var node = JsonNode.Parse(Summary.Value)!;
        var all = node["cells"]!.AsArray();
        int step = Math.Max(1, all.Count / cells);
        var kept = new JsonArray();
        for (int i = 0; i < all.Count && kept.Count < cells; i += step)
            kept.Add(all[i]!.DeepClone());
        node["cells"] = kept;
        return node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The published BenchmarkDotNet report cut to its first <paramref name="benchmarks"/> benchmarks (Unhooked and Hooked alternate), optionally without the raw measurements.</summary>
    public static string ReportText(int benchmarks = 4, bool measurements = true)
    {
        var node = JsonNode.Parse(Report.Value)!;
        var all = node["Benchmarks"]!.AsArray();
        var kept = new JsonArray();
        foreach (var b in all.Take(benchmarks))
        {
            var copy = b!.DeepClone().AsObject();
            if (!measurements)
                copy.Remove("Measurements");     // every iteration's raw timings: HookBench reads only the statistics
            kept.Add(copy);
        }

        node["Benchmarks"] = kept;
        return node.ToJsonString();
    }
}
