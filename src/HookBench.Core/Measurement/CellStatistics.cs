using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement.Interference;
using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Measurement;

/// <summary>Turns a cell's repetitions into its published figures, dropping repetitions the runtime disturbed.</summary>
public static class CellStatistics
{
    /// <summary>Fewer kept repetitions than this and the cell keeps all of them (and says so in discard_reasons).</summary>
    public const int MinimumKept = 5;

    public static CellResult Summarize(CellSamples samples, Clocks clocks, IReadOnlyList<InterferenceEvent> interference)
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

        double[] hooked = [.. kept.Select(r => r.HookedNs)];
        double[] baseline = [.. kept.Select(r => r.BaselineNs)];
        double[] overheadSamples = [.. kept.Select(r => r.HookedNs - r.BaselineNs)];
        Estimate ns = RobustStatistics.Median(hooked);
        Estimate baseNs = RobustStatistics.Median(baseline);
        Estimate overhead = RobustStatistics.Shift(baseline, hooked);
        var spec = samples.Spec;
        return new CellResult
        {
            Strategy = spec.Strategy.Name,
            Args = spec.ArgCount,
            Handler = spec.Handler.Name(),
            Mode = spec.Mode.Name(),
            Reps = samples.Reps.Count,
            DiscardedReps = samples.Reps.Count - kept.Count,
            NsPerCall = ns,
            OverheadNs = overhead,
            OverheadSamplesNs = overheadSamples,
            CyclesPerCall = clocks.NsToCycles(ns.Median),
            OverheadCycles = clocks.NsToCycles(overhead.Median),
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
        };
    }
}
