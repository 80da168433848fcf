using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Comparison;

/// <summary>
/// A HookBench summary's cells as the gate sees them: overhead samples in core cycles, each converted at its
/// own round's clock (files without per-round clocks use the run's one estimate), clustered by round.
/// </summary>
public static class SummaryCells
{
    public const string CyclesMetric = "overhead cycles";

    /// <summary>Rounds were batches of 8 repetitions before rounds were recorded: consecutive groups stand in for them.</summary>
    const int LegacyBatchSize = 8;

    public const string InstructionsPerCall = "instructions per call";
    public const string HookCodeBytes = "hook code bytes";
    public const string StackBytes = "stack bytes";

    public static ComparableRun From(RunOrigin origin, RunSummary summary)
    {
        double runHz = summary.Environment.CoreHzEstimate;
        var roundHz = summary.Clock?.Rounds.Where(r => double.IsFinite(r.CoreHz)).ToDictionary(r => r.Round, r => r.CoreHz)
            ?? new Dictionary<int, double>();
        var cells = new Dictionary<string, ComparableCell>(StringComparer.Ordinal);
        foreach (var c in summary.Cells)
        {
            var ns = c.OverheadSamplesNs;
            int[] clusters = c.OverheadSampleRounds is { } rounds && rounds.Count == ns.Count
                ? [.. rounds]
                : ClusterStatistics.ConsecutiveClusters(ns.Count, LegacyBatchSize);
            double[] cycles = [.. ns.Select((v, i) => v * roundHz.GetValueOrDefault(clusters[i], runHz) / 1e9)];
            double median = cycles.Length == 0 ? double.NaN : ClusterStatistics.Location(cycles, clusters).Median;
            cells[c.Key] = new ComparableCell(c.Key, CyclesMetric, cycles, median, c.NsPerCall.Median)
            {
                Clusters = clusters,
                UnitsPerNs = runHz / 1e9,
                NotGatedReason = c.Precision?.Shortfall is string shortfall ? $"missed its precision target ({shortfall})" : null,
                Exact = new Dictionary<string, int?>
                {
                    [InstructionsPerCall] = c.InstructionsPerCall,
                    [HookCodeBytes] = c.HookCodeBytes,
                    [StackBytes] = c.StackBytes,
                },
            };
        }

        return new ComparableRun(origin, cells) { CoreHz = summary.Clock?.CoreHz ?? Estimate.PointOnly(runHz) };
    }
}
