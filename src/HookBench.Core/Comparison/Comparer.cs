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
}

/// <summary>When a difference counts: it must clear max(<see cref="NoiseNs"/>, <see cref="Relative"/> × |base|).</summary>
public sealed record Thresholds(double Relative = 0.05, double NoiseNs = 0.1)
{
    public double For(double baseMedian) => Math.Max(NoiseNs, Relative * Math.Abs(baseMedian));
}

/// <summary>One cell's comparison; <see cref="Shift"/> is current − base with its 95% interval.</summary>
public sealed record CellComparison(string Key, Verdict Verdict, string Metric, double? BaseMedian, double? CurrentMedian, Estimate? Shift, double? Threshold, double? CallRatio);

public sealed record ComparisonReport(
    RunOrigin Base, RunOrigin Current, Thresholds Thresholds, IReadOnlyList<CellComparison> Cells, double? GeomeanRatio, IReadOnlyList<string> Warnings)
{
    public int Count(Verdict verdict) => Cells.Count(c => c.Verdict == verdict);

    public bool HasRegression => Count(Verdict.Slower) > 0;
}

/// <summary>
/// Classifies every cell in the manner of dotnet/performance's ResultsComparer: a difference is real when
/// the 95% interval of the Hodges–Lehmann shift between the two runs' repetitions lies entirely beyond the
/// practical threshold (a threshold-shifted one-sided test at 2.5%), and a noise floor keeps tiny cells quiet.
/// </summary>
public static class Comparer
{
    public static ComparisonReport Compare(ComparableRun baseRun, ComparableRun currentRun, Thresholds thresholds)
    {
        if (baseRun.Origin.Format != currentRun.Origin.Format)
            throw new UsageException($"{baseRun.Origin.Source} is a {baseRun.Origin.Format} result and {currentRun.Origin.Source} a {currentRun.Origin.Format} one; compare like with like");
        if (!baseRun.Cells.Keys.Intersect(currentRun.Cells.Keys).Any())
            throw new UsageException($"{baseRun.Origin.Source} and {currentRun.Origin.Source} have no cells in common (strategy/args/handler/mode)");

        var rows = new List<CellComparison>();
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
            double threshold = thresholds.For(before.Median);
            Estimate? shift = before.Samples.Count >= 2 && current.Samples.Count >= 2
                ? RobustStatistics.Shift(before.Samples, current.Samples)
                : null;
            var verdict = shift switch
            {
                null => Verdict.Same,
                _ when shift.CiLow > threshold => Verdict.Slower,
                _ when shift.CiHigh < -threshold => Verdict.Faster,
                _ => Verdict.Same,
            };
            rows.Add(new CellComparison(key, verdict, current.Metric, before.Median, current.Median, shift, threshold, current.CallNs / before.CallNs));
        }

        foreach (var key in baseRun.Cells.Keys.Except(currentRun.Cells.Keys))
            rows.Add(new CellComparison(key, Verdict.Missing, baseRun.Cells[key].Metric, baseRun.Cells[key].Median, null, null, null, null));

        var ratios = rows.Where(r => r.CallRatio is > 0).Select(r => r.CallRatio!.Value).ToList();
        double? geomean = ratios.Count == 0 ? null : Math.Exp(ratios.Average(Math.Log));
        return new ComparisonReport(baseRun.Origin, currentRun.Origin, thresholds, rows, geomean, [.. Warnings(baseRun.Origin, currentRun.Origin), .. ForeignCells(baseRun, currentRun)]);
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
