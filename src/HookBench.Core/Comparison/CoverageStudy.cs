using System.Globalization;
using System.Text;
using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Comparison;

/// <summary>One pairwise comparison of a study: which runs, and whether compare would have failed.</summary>
public sealed record StudyPair(int Base, int Current, bool Failed, IReadOnlyList<string> Flagged);

/// <summary>One cell across a study's runs: the pooled figure, and which runs' published intervals cover it.</summary>
public sealed record StudyCell(string Key, double PooledNs, int Runs, int Covering);

/// <summary>
/// Whether the gate and the published intervals are honest on this machine: N back-to-back runs of the same
/// code, every pair compared (each should exit 0), and every run's published overhead interval checked
/// against the overhead pooled over all runs (the pseudo-median of every run's cluster medians together).
/// A 95% interval that includes run-level variance covers the pooled figure in about 95% of cells.
/// </summary>
public sealed record CoverageStudy(IReadOnlyList<string> Runs, IReadOnlyList<StudyPair> Pairs, IReadOnlyList<StudyCell> Cells)
{
    public int FailedPairs => Pairs.Count(p => p.Failed);

    /// <summary>Published intervals (run × cell) that cover the pooled overhead.</summary>
    public double Coverage => Cells.Sum(c => c.Runs) == 0 ? double.NaN : Cells.Sum(c => c.Covering) / (double)Cells.Sum(c => c.Runs);

    /// <summary>Cells where every run's interval covers the pooled overhead.</summary>
    public int CellsCoveredByEveryRun => Cells.Count(c => c.Covering == c.Runs);

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
            var present = runs.Select(r => r.Summary.Cells.FirstOrDefault(c => c.Key == key)).Where(c => c is not null).Select(c => c!).ToList();
            if (present.Count < runs.Count)
                continue;
            var pooled = present.SelectMany(c => ClusterStatistics.ClusterMedians(c.OverheadSamplesNs, Clusters(c))).ToList();
            double figure = RobustStatistics.Center(pooled).Median;
            int covering = present.Count(c => c.OverheadNs.CiLow <= figure && figure <= c.OverheadNs.CiHigh);
            cells.Add(new StudyCell(key, figure, present.Count, covering));
        }

        return new CoverageStudy([.. runs.Select(r => r.Source)], pairs, cells);
    }

    static IReadOnlyList<int> Clusters(CellResult c) =>
        c.OverheadSampleRounds is { } rounds && rounds.Count == c.OverheadSamplesNs.Count ? rounds : ClusterStatistics.ConsecutiveClusters(c.OverheadSamplesNs.Count, 8);

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(Invariant($"# Coverage study: {Runs.Count} runs\n\n"));
        text.Append(Invariant($"- Pairwise compares: {Pairs.Count - FailedPairs} of {Pairs.Count} exit 0\n"));
        text.Append(Invariant($"- Published overhead intervals covering the overhead pooled over all runs: {Coverage:P1} ({Cells.Sum(c => c.Covering)} of {Cells.Sum(c => c.Runs)} run × cell)\n"));
        text.Append(Invariant($"- Cells whose every run covers the pooled overhead: {CellsCoveredByEveryRun} of {Cells.Count} ({(Cells.Count == 0 ? 0 : CellsCoveredByEveryRun / (double)Cells.Count):P0})\n\n"));
        text.Append("| pair | exit | flagged |\n|---|---:|---|\n");
        foreach (var p in Pairs)
            text.Append(Invariant($"| {p.Base + 1} vs {p.Current + 1} | {(p.Failed ? 1 : 0)} | {string.Join(", ", p.Flagged)} |\n"));
        text.Append("\n| cell | pooled overhead ns | runs covering |\n|---|---:|---:|\n");
        foreach (var c in Cells.OrderBy(c => c.Covering - c.Runs).ThenBy(c => c.Key, StringComparer.Ordinal))
            text.Append(Invariant($"| {c.Key} | {c.PooledNs:F3} | {c.Covering} of {c.Runs} |\n"));
        text.Append("\nRuns:\n\n");
        for (int i = 0; i < Runs.Count; i++)
            text.Append(Invariant($"{i + 1}. {Runs[i]}\n"));
        return text.ToString();
    }

    static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
