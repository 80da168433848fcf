using System.Globalization;
using System.Text;
using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Comparison;

/// <summary>One pairwise comparison of a study: which runs, and whether compare would have failed.</summary>
public sealed record StudyPair(int Base, int Current, bool Failed, IReadOnlyList<string> Flagged);

/// <summary>
/// One cell across a study's runs: its figure pooled over all runs and how many runs' published intervals cover it,
/// in core cycles (the metric compare gates on) and in ns (at each run's own clock).
/// </summary>
public sealed record StudyCell(string Key, double PooledCycles, double PooledNs, int Runs, int Covering, int CoveringNs, bool KernelProbe);

/// <summary>
/// Whether the gate and the published intervals are honest on this machine: N back-to-back runs of the same
/// code, every pair compared (each should exit 0), and every run's published overhead interval checked
/// against the overhead pooled over all runs (the pseudo-median of every run's cluster medians together).
/// A 95% interval that includes run-level variance covers the pooled figure in about 95% of cells. Coverage is
/// counted in core cycles, the metric compare gates on; the ns intervals are also counted, but they hold at their
/// own run's clock, and the core clock moves between runs (by about 1.6% between ten runs here) while it stays
/// put within one, so no interval from one run can contain that.
/// </summary>
public sealed record CoverageStudy(IReadOnlyList<string> Runs, IReadOnlyList<StudyPair> Pairs, IReadOnlyList<StudyCell> Cells)
{
    public int FailedPairs => Pairs.Count(p => p.Failed);

    /// <summary>Published cycle intervals (run × cell) that cover the pooled overhead in cycles.</summary>
    public double Coverage => Share(Cells, c => c.Covering);

    /// <summary>The same, for the intervals in ns.</summary>
    public double CoverageNs => Share(Cells, c => c.CoveringNs);

    /// <summary>Coverage in cycles of the cells compare can gate (kernel probes are reported, never gated).</summary>
    public double CoverageOfGatedKinds => Share([.. Cells.Where(c => !c.KernelProbe)], c => c.Covering);

    /// <summary>The runs' core clocks, lowest and highest, in Hz (NaN when a run does not record one).</summary>
    public (double Low, double High) CoreClocks { get; init; } = (double.NaN, double.NaN);

    /// <summary>Cells where every run's interval covers the pooled overhead.</summary>
    public int CellsCoveredByEveryRun => Cells.Count(c => c.Covering == c.Runs);

    static double Share(IReadOnlyList<StudyCell> cells, Func<StudyCell, int> covering) =>
        cells.Sum(c => c.Runs) == 0 ? double.NaN : cells.Sum(covering) / (double)cells.Sum(c => c.Runs);

    public static CoverageStudy Run(IReadOnlyList<(string Source, RunSummary Summary)> runs, Thresholds thresholds)
    {
        if (runs.Count < 2)
            throw new UsageException($"a coverage study needs at least 2 runs; got {runs.Count}");
        var comparable = runs.Select(r => RunLoader.FromSummary(r.Source, r.Summary)).ToList();
        var pairs = new List<StudyPair>();
        for (int a = 0; a < runs.Count; a++)
            for (int b = a + 1; b < runs.Count; b++)
            {
                var report = Comparer.Compare(comparable[a], comparable[b], thresholds);
                var flagged = report.Cells.Where(c => c.Verdict is Verdict.Slower or Verdict.Faster).Select(c => $"{c.Key} {c.Verdict.ToString().ToLowerInvariant()}")
                    .Concat(report.ExactChanges.Select(c => $"{c.Key} {c.Metric} {c.Base}→{c.Current}")).ToList();
                pairs.Add(new StudyPair(a, b, report.HasRegression, flagged));
            }

        var cells = new List<StudyCell>();
        foreach (string key in runs[0].Summary.Cells.Select(c => c.Key))
        {
            var present = runs.Select((r, i) => (Cell: r.Summary.Cells.FirstOrDefault(c => c.Key == key), Comparable: comparable[i].Cells.GetValueOrDefault(key)))
                .Where(p => p.Cell is not null && p.Comparable is not null).ToList();
            if (present.Count < runs.Count)
                continue;
            double pooledCycles = RobustStatistics.Center([.. present.SelectMany(p => p.Comparable!.ClusterMedians())]).Median;
            double pooledNs = RobustStatistics.Center([.. present.SelectMany(p => ClusterStatistics.ClusterMedians(p.Cell!.OverheadSamplesNs, Clusters(p.Cell)))]).Median;
            int covering = present.Count(p => Covers(p.Cell!.OverheadCyclesEstimate, pooledCycles));
            int coveringNs = present.Count(p => Covers(p.Cell!.OverheadNs, pooledNs));
            cells.Add(new StudyCell(key, pooledCycles, pooledNs, present.Count, covering, coveringNs, present[0].Cell!.Kernel is not null));
        }

        var clocks = runs.Select(r => r.Summary.Clock?.CoreHz.Median ?? r.Summary.Environment.CoreHzEstimate).Where(double.IsFinite).ToList();
        return new CoverageStudy([.. runs.Select(r => r.Source)], pairs, cells)
        {
            CoreClocks = clocks.Count == 0 ? (double.NaN, double.NaN) : (clocks.Min(), clocks.Max()),
        };
    }

    static bool Covers(Estimate? interval, double figure) => interval is { HasInterval: true } e && e.CiLow <= figure && figure <= e.CiHigh;

    static IReadOnlyList<int> Clusters(CellResult c) =>
        c.OverheadSampleRounds is { } rounds && rounds.Count == c.OverheadSamplesNs.Count ? rounds : ClusterStatistics.ConsecutiveClusters(c.OverheadSamplesNs.Count, 8);

    public string Render()
    {
        int runCells = Cells.Sum(c => c.Runs);
        var text = new StringBuilder();
        text.Append(Invariant($"# Coverage study: {Runs.Count} runs\n\n"));
        text.Append(Invariant($"- Pairwise compares: {Pairs.Count - FailedPairs} of {Pairs.Count} exit 0\n"));
        text.Append(Invariant($"- Published overhead intervals in core cycles (what compare gates on) covering the overhead pooled over all runs: {Coverage:P1} ({Cells.Sum(c => c.Covering)} of {runCells} run × cell)\n"));
        var gated = Cells.Where(c => !c.KernelProbe).ToList();
        if (gated.Count < Cells.Count)
            text.Append(Invariant($"  - without the {Cells.Count - gated.Count} kernel-probe cells (reported, never gated): {CoverageOfGatedKinds:P1} ({gated.Sum(c => c.Covering)} of {gated.Sum(c => c.Runs)})\n"));
        text.Append(Invariant($"- The same in ns, at each run's own clock: {CoverageNs:P1} ({Cells.Sum(c => c.CoveringNs)} of {runCells})"));
        if (double.IsFinite(CoreClocks.Low))
            text.Append(Invariant($"; the runs' core clocks spanned {CoreClocks.Low / 1e9:F3}–{CoreClocks.High / 1e9:F3} GHz ({(CoreClocks.High / CoreClocks.Low - 1) * 100:F1}%)"));
        text.Append('\n');
        text.Append(Invariant($"- Cells whose every run covers the pooled overhead (cycles): {CellsCoveredByEveryRun} of {Cells.Count} ({(Cells.Count == 0 ? 0 : CellsCoveredByEveryRun / (double)Cells.Count):P0})\n\n"));
        text.Append("| pair | exit | flagged |\n|---|---:|---|\n");
        foreach (var p in Pairs)
            text.Append(Invariant($"| {p.Base + 1} vs {p.Current + 1} | {(p.Failed ? 1 : 0)} | {string.Join(", ", p.Flagged)} |\n"));
        text.Append("\n| cell | pooled overhead cycles | runs covering | pooled overhead ns | runs covering (ns) |\n|---|---:|---:|---:|---:|\n");
        foreach (var c in Cells.OrderBy(c => c.Covering - c.Runs).ThenBy(c => c.CoveringNs - c.Runs).ThenBy(c => c.Key, StringComparer.Ordinal))
            text.Append(Invariant($"| {c.Key}{(c.KernelProbe ? " (kernel probe)" : "")} | {c.PooledCycles:F2} | {c.Covering} of {c.Runs} | {c.PooledNs:F3} | {c.CoveringNs} of {c.Runs} |\n"));
        text.Append("\nRuns:\n\n");
        for (int i = 0; i < Runs.Count; i++)
            text.Append(Invariant($"{i + 1}. {Runs[i]}\n"));
        return text.ToString();
    }

    static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
