using HookBench.Bpf;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement.Interference;
using HookBench.Results;
using HookBench.Statistics;
using HookBench.Uprobes;

namespace HookBench.Measurement;

/// <summary>Turns a cell's repetitions into its published figures, dropping repetitions the runtime disturbed.</summary>
public static class CellStatistics
{
    /// <summary>Fewer kept repetitions than this and the cell keeps all of them (and says so in discard_reasons).</summary>
    public const int MinimumKept = 5;

    /// <summary>
    /// The cell's figures. Every estimate is over cluster medians (a cluster = one round's batch on its own
    /// placement): ns/call and the baseline as pseudo-medians, the overhead on the paired differences
    /// (hooked − baseline of each repetition), and the overhead in cycles with each repetition converted at
    /// its round's core clock (<paramref name="roundCoreHz"/>; the run's clock when a round has no reading).
    /// </summary>
    public static CellResult Summarize(
        CellSamples samples, Clocks clocks, IReadOnlyList<InterferenceEvent> interference,
        IReadOnlyDictionary<int, double>? roundCoreHz = null, PrecisionTarget? precision = null)
    {
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<RepetitionSample>();
        foreach (var rep in samples.Reps)
        {
            var hit = interference.FirstOrDefault(e => e.Overlaps(rep.WindowStart, rep.WindowEnd));
            if (hit.Kind is null)
            {
                kept.Add(rep);
                continue;
            }

            reasons[hit.Kind] = reasons.GetValueOrDefault(hit.Kind) + 1;
        }

        if (kept.Count < MinimumKept)
        {
            kept = [.. samples.Reps];
            reasons["kept-all: too few undisturbed repetitions"] = samples.Reps.Count;
        }

        int[] rounds = [.. kept.Select(r => r.Round)];
        double[] overheadSamples = [.. kept.Select(r => r.HookedNs - r.BaselineNs)];
        double[] overheadCycles = [.. kept.Select(r => (r.HookedNs - r.BaselineNs) * CoreHz(r.Round) / 1e9)];
        Estimate ns = ClusterStatistics.Location([.. kept.Select(r => r.HookedNs)], rounds);
        Estimate baseNs = ClusterStatistics.Location([.. kept.Select(r => r.BaselineNs)], rounds);
        Estimate overhead = ClusterStatistics.Location(overheadSamples, rounds);
        Estimate cycles = ClusterStatistics.Location(overheadCycles, rounds);
        Estimate callCycles = ClusterStatistics.Location([.. kept.Select(r => r.HookedNs * CoreHz(r.Round) / 1e9)], rounds);
        var target = precision ?? PrecisionTarget.Default;
        var spec = samples.Spec;
        return new CellResult
        {
            Strategy = spec.Strategy.Name,
            Args = spec.ArgCount,
            Handler = spec.Handler.Name(),
            Mode = spec.Mode.Name(),
            Ops = Attachment.TakesOps(spec.Strategy) ? spec.Key.Attach.Ops : null,
            Match = Attachment.TakesOps(spec.Strategy) ? spec.Key.Attach.Match : null,
            Progs = Attachment.TakesPrograms(spec.Strategy) ? spec.Key.Attach.Progs : null,
            Bpf = Attachment.TakesPrograms(spec.Strategy) ? spec.Key.Attach.Bpf.Name : null,
            Lookup = Attachment.TakesPrograms(spec.Strategy) ? spec.Key.Attach.Lookup.Name() : null,
            Profile = spec.Profile.Name,
            BpfProgram = spec.Strategy.IsKernelProbe ? spec.BpfProgram.Name() : null,
            Kernel = samples.Kernel,
            Reps = samples.Reps.Count,
            DiscardedReps = samples.Reps.Count - kept.Count,
            NsPerCall = ns,
            OverheadNs = overhead,
            OverheadSamplesNs = overheadSamples,
            OverheadSampleRounds = rounds,
            CyclesPerCall = callCycles.Median,
            CyclesPerCallEstimate = callCycles,
            OverheadCycles = cycles.Median,
            OverheadCyclesEstimate = cycles,
            InstructionsPerCall = samples.HookedPath.IsStatic ? samples.HookedPath.Instructions : null,
            UserInstructionsPerCall = samples.HookedPath.IsStatic ? null : samples.HookedPath.Instructions,
            InstructionsNotCountable = samples.HookedPath.NotStatic,
            BaselineNsPerCall = baseNs,
            BaselineInstructions = samples.BaselinePath.Instructions,
            HookInstructions = samples.HookedPath.IsStatic ? samples.HookedPath.Instructions - samples.BaselinePath.Instructions : null,
            Ratio = ns.Median / baseNs.Median,
            Outliers = RobustStatistics.CountOutliers(overheadSamples),
            CallsPerMeasurement = samples.CallsPerMeasurement,
            DiscardReasons = reasons,
            Functions = spec.Key.Functions,
            Caller = spec.Key.Caller.Name(),
            HookCodeBytes = samples.Code?.HookCodeBytes,
            CallerInstructionsPerCall = samples.Code?.CallerInstructionsPerCall,
            Footprint = samples.Code?.Footprint,
            Placements = samples.Placements,
            StackBytes = samples.StackBytes,
            BaselineStackBytes = samples.BaselineStackBytes,
            Precision = new CellPrecision(target.IsMet(overhead), overhead.HasInterval ? overhead.HalfWidth : null, target.Limit(overhead.Median)),
        };

        double CoreHz(int round) => roundCoreHz is not null && roundCoreHz.TryGetValue(round, out double hz) && double.IsFinite(hz) ? hz : clocks.CoreHz;
    }
}
