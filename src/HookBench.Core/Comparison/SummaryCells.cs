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

    /// <summary>
    /// Why a kernel-probe cell is reported and never gated: between two runs on one machine its cost moved by up to
    /// 8% here with no change to any code (the kernel's and the host's state), and HookBench's code is not on its path.
    /// </summary>
    public const string KernelProbeNotGated = "is a kernel probe: what it costs is the running kernel's and the host's doing, not this code's (reported, not gated)";

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
            bool kernel = c.Kernel is not null;
            cells[c.Key] = new ComparableCell(c.Key, CyclesMetric, cycles, median, c.NsPerCall.Median)
            {
                Clusters = clusters,
                UnitsPerNs = runHz / 1e9,
                NotGatedReason = kernel ? KernelProbeNotGated
                    : c.Precision?.Shortfall is string shortfall ? $"missed its precision target ({shortfall})"
                    : SinglePlacement(c) ? SinglePlacementReason
                    : null,
                Exact = new Dictionary<string, int?>
                {
                    [InstructionsPerCall] = c.InstructionsPerCall,
                    [HookCodeBytes] = c.HookCodeBytes,
                    // A probed call's stack includes what the kernel's trampoline pushes, and only when it optimized the site.
                    [StackBytes] = kernel ? null : c.StackBytes,
                },
            };
        }

        return new ComparableRun(origin, cells) { CoreHz = summary.Clock?.CoreHz ?? Estimate.PointOnly(runHz) };
    }

    /// <summary>
    /// A footprint set (several functions) keeps one placement for the whole run, so its interval cannot contain
    /// the placement's effect: in a 10-run study here, direct at 256 functions was flagged "slower" in 8 of 45
    /// pairs of identical code. Such a cell is reported, never gated.
    /// </summary>
    static bool SinglePlacement(CellResult c) => c.Functions > 1 && c.Placements is null or 1;

    public const string SinglePlacementReason =
        "measured on one placement (a footprint set is not re-emitted per round), so its interval misses run-to-run placement variance";
}
