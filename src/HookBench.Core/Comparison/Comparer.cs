using HookBench.Statistics;

namespace HookBench.Comparison;

/// <summary>How a cell moved between two runs.</summary>
public enum Verdict
{
    Slower,
    Faster,
    Same,
    New,
    Missing,

    /// <summary>Not judged: the cell missed its precision target in a run, or has too few rounds for a 95% interval.</summary>
    NotGated,
}

/// <summary>When a difference counts: it must clear max(<see cref="NoiseNs"/>, <see cref="Relative"/> × |base|).</summary>
public sealed record Thresholds(double Relative = 0.05, double NoiseNs = 0.1)
{
    public double For(double baseMedian) => Math.Max(NoiseNs, Relative * Math.Abs(baseMedian));

    /// <summary>The threshold in a metric with <paramref name="unitsPerNs"/> units per ns (cycles: the core clock in GHz).</summary>
    public double For(double baseMedian, double unitsPerNs) => Math.Max(NoiseNs * unitsPerNs, Relative * Math.Abs(baseMedian));
}

/// <summary>One cell's comparison; <see cref="Shift"/> is current − base with its 95% interval.</summary>
public sealed record CellComparison(string Key, Verdict Verdict, string Metric, double? BaseMedian, double? CurrentMedian, Estimate? Shift, double? Threshold, double? CallRatio)
{
    /// <summary>Why the cell was not gated, when <see cref="Verdict"/> is <see cref="Verdict.NotGated"/>.</summary>
    public string? Reason { get; init; }
}

/// <summary>A deterministic figure that differs between the runs: reported on any difference, no noise threshold.</summary>
public sealed record ExactChange(string Key, string Metric, int Base, int Current)
{
    /// <summary>More instructions, bytes or stack than before: a regression the gate fails on.</summary>
    public bool Increased => Current > Base;
}

/// <summary>The core clock of both runs, when both files record it.</summary>
public sealed record ClockShift(double BaseHz, double CurrentHz)
{
    public double Relative => CurrentHz / BaseHz - 1;

    /// <summary>"core clock −14.0% (4.070 → 3.500 GHz)", the one line a machine-wide clock change gets.</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"core clock {(Relative >= 0 ? "+" : "−")}{Math.Abs(Relative) * 100:0.0}% ({BaseHz / 1e9:F3} → {CurrentHz / 1e9:F3} GHz)");
}

/// <summary>A comparison; <see cref="Gate"/> comes first because it decides how to read everything after it.</summary>
public sealed record ComparisonReport(
    GateVerdict Gate, RunOrigin Base, RunOrigin Current, Thresholds Thresholds, IReadOnlyList<CellComparison> Cells, double? GeomeanRatio, IReadOnlyList<string> Warnings)
{
    /// <summary>Deterministic figures that changed (any difference).</summary>
    public IReadOnlyList<ExactChange> ExactChanges { get; init; } = [];

    /// <summary>The clock of both runs, or null when a file does not record it.</summary>
    public ClockShift? Clock { get; init; }

    public int Count(Verdict verdict) => Cells.Count(c => c.Verdict == verdict);

    /// <summary>
    /// A gated cell got slower, or a deterministic figure grew (whether or not that fails the gate: see
    /// <see cref="GateVerdict.Fails"/>, which also weighs the hardware check).
    /// </summary>
    public bool HasRegression => Count(Verdict.Slower) > 0 || ExactChanges.Any(c => c.Increased);
}

/// <summary>
/// Classifies every cell in the manner of dotnet/performance's ResultsComparer: a difference is real when
/// the 95% interval of the shift between the two runs lies entirely beyond the practical threshold (a
/// threshold-shifted one-sided test at 2.5%), and a noise floor keeps tiny cells quiet. The shift is the
/// Hodges–Lehmann shift between the runs' cluster medians (a cluster: one round on its own placement, or one
/// BenchmarkDotNet launch) with Moses' exact interval, the two-sample form of the estimator each run
/// publishes. HookBench summaries are compared in core cycles at each round's clock, so a clock or turbo
/// change between the runs is one line of the report, not a regression in every cell. Cells that missed
/// their precision target are reported and left out; deterministic figures are compared exactly.
/// </summary>
public static class Comparer
{
    /// <param name="gateAnyway">Gate even when the runs come from different hardware.</param>
    public static ComparisonReport Compare(ComparableRun baseRun, ComparableRun currentRun, Thresholds thresholds, bool gateAnyway = false)
    {
        if (baseRun.Origin.Format != currentRun.Origin.Format)
            throw new UsageException($"{baseRun.Origin.Source} is a {baseRun.Origin.Format} result and {currentRun.Origin.Source} a {currentRun.Origin.Format} one; compare like with like");
        if (!baseRun.Cells.Keys.Intersect(currentRun.Cells.Keys).Any())
            throw new UsageException($"{baseRun.Origin.Source} and {currentRun.Origin.Source} have no cells in common (strategy/args/handler/mode)");

        var rows = new List<CellComparison>();
        var exact = new List<ExactChange>();
        foreach (var (key, current) in currentRun.Cells)
        {
            if (!baseRun.Cells.TryGetValue(key, out var before))
            {
                rows.Add(new CellComparison(key, Verdict.New, current.Metric, null, current.Median, null, null, null));
                continue;
            }

            // A gate must not pass on missing data: with fewer than two samples a side there is no interval.
            if (before.Samples.Count < 2 || current.Samples.Count < 2)
                throw new UsageException($"cell {key} has {before.Samples.Count} sample(s) in {baseRun.Origin.Source} and {current.Samples.Count} in {currentRun.Origin.Source}; a comparison needs at least 2 on each side");
            foreach (var (metric, value) in current.Exact)
            {
                if (value is int now && before.Exact.GetValueOrDefault(metric) is int was && now != was)
                    exact.Add(new ExactChange(key, metric, was, now));
            }

            rows.Add(Classify(key, before, current, thresholds));
        }

        foreach (var key in baseRun.Cells.Keys.Except(currentRun.Cells.Keys))
            rows.Add(new CellComparison(key, Verdict.Missing, baseRun.Cells[key].Metric, baseRun.Cells[key].Median, null, null, null, null));

        var ratios = rows.Where(r => r.CallRatio is > 0).Select(r => r.CallRatio!.Value).ToList();
        double? geomean = ratios.Count == 0 ? null : Math.Exp(ratios.Average(Math.Log));
        ClockShift? clock = baseRun.CoreHz is { } a && currentRun.CoreHz is { } b && double.IsFinite(a.Median) && double.IsFinite(b.Median) && a.Median > 0
            ? new ClockShift(a.Median, b.Median)
            : null;
        bool regression = rows.Any(r => r.Verdict == Verdict.Slower) || exact.Any(c => c.Increased);
        var gate = GateVerdict.For(HardwareCheck.Between(baseRun.Origin, currentRun.Origin), regression, gateAnyway);
        return new ComparisonReport(gate, baseRun.Origin, currentRun.Origin, thresholds, rows, geomean, [.. Warnings(baseRun.Origin, currentRun.Origin), .. ForeignCells(baseRun, currentRun)])
        {
            ExactChanges = exact,
            Clock = clock,
        };
    }

    static CellComparison Classify(string key, ComparableCell before, ComparableCell current, Thresholds thresholds)
    {
        double threshold = thresholds.For(before.Median, before.UnitsPerNs);
        double[] baseMedians = before.ClusterMedians(), currentMedians = current.ClusterMedians();
        Estimate? shift = baseMedians.Length > 0 && currentMedians.Length > 0 ? ClusterStatistics.Shift(baseMedians, currentMedians) : null;
        var row = new CellComparison(key, Verdict.Same, current.Metric, before.Median, current.Median, shift, threshold, current.CallNs / before.CallNs);
        string? reason = before.NotGatedReason is string b ? $"base {b}"
            : current.NotGatedReason is string c ? $"current {c}"
            : shift is null || !shift.HasInterval ? $"no 95% interval ({baseMedians.Length} and {currentMedians.Length} clusters)"
            : null;
        if (reason is not null)
            return row with { Verdict = Verdict.NotGated, Reason = reason };
        return row with
        {
            Verdict = shift!.CiLow > threshold ? Verdict.Slower : shift.CiHigh < -threshold ? Verdict.Faster : Verdict.Same,
        };
    }

    /// <summary>Cells this build cannot name are compared as numbers, and said to be (see SummaryValidation.ForeignCells).</summary>
    static IEnumerable<string> ForeignCells(ComparableRun a, ComparableRun b)
    {
        var keys = a.Cells.Values.Concat(b.Cells.Values).Where(c => c.Foreign).Select(c => c.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        if (keys.Count > 0)
            yield return $"{keys.Count} cell(s) use a strategy, axis value or combination this build does not know ({string.Join(", ", keys.Take(5))}{(keys.Count > 5 ? ", …" : "")}): compared as numbers only.";
    }

    static List<string> Warnings(RunOrigin a, RunOrigin b)
    {
        var warnings = new List<string>();
        if (a.Cpu != b.Cpu)
            warnings.Add($"The CPUs differ ({a.Cpu} vs {b.Cpu}): differences may be the machine, not the code.");
        if (a.Kernel != b.Kernel)
            warnings.Add($"The kernels differ ({a.Kernel} vs {b.Kernel}): mitigations and scheduling may differ.");
        if (a.Hypervisor != b.Hypervisor)
            warnings.Add($"The hypervisors differ ({a.Hypervisor ?? "none"} vs {b.Hypervisor ?? "none"}).");
        return warnings;
    }
}
