using System.Diagnostics;
using HookBench.Statistics;

namespace HookBench.Measurement;

/// <summary>
/// Measures one cell, a batch of repetitions at a time. The baseline is the same code with the site
/// left a NOP (strategy <c>none</c>): the hook set is emitted twice, byte for byte alike at the same
/// offsets in two arenas, and only one copy is patched, once, before measuring. Nothing is patched
/// between measurements: right after a patch this machine ran the patched page measurably slower for
/// milliseconds, which would have been charged to whichever side was patched last. Within a batch,
/// repetitions interleave the two copies as A B, B A, A B, … so drift hits both alike.
/// </summary>
public sealed class CellRunner : IDisposable
{
    readonly MeasuredCode _baseline;
    readonly MeasuredCode _hooked;
    readonly Clocks _clocks;
    readonly ulong _iterations;
    readonly List<RepetitionSample> _reps = [];

    public CellRunner(CellSpec spec, Clocks clocks, MeasurementSettings settings)
    {
        spec.Key.Validate();
        Spec = spec;
        _clocks = clocks;
        _baseline = MeasuredCode.Prepare(spec);
        try
        {
            _hooked = MeasuredCode.Prepare(spec);
        }
        catch
        {
            _baseline.Dispose();
            throw;
        }

        var baselineWalk = _baseline.Walk();
        _hooked.Attach();
        var hookedWalk = _hooked.Walk();
        BaselinePath = baselineWalk.PerCall;
        HookedPath = hookedWalk.PerCall;
        Code = CodeFacts(spec, baselineWalk, hookedWalk);
        _iterations = Calibrate(_hooked, clocks, settings.MeasurementTime);
    }

    public CellSpec Spec { get; }
    public PathWalk BaselinePath { get; }
    public PathWalk HookedPath { get; }

    /// <summary>Hook code footprint, the caller's own instructions, and (several functions) what a pass ran.</summary>
    public CellCodeFacts Code { get; }

    public int Count => _reps.Count;
    ulong Calls => _iterations * (ulong)_hooked.CallsPerIteration;

    /// <summary>Measures one cell start to finish (tests and the cross-check use this; runs use batches).</summary>
    public static CellSamples Run(CellSpec spec, MeasurementSettings settings, Clocks clocks)
    {
        using var runner = new CellRunner(spec, clocks, settings);
        int reps = settings.Reps ?? settings.MinReps;
        runner.MeasureBatch(reps);
        return runner.Samples();
    }

    /// <summary>A warm-up pair (caches, predictors, pages after other cells ran), then <paramref name="count"/> repetitions.</summary>
    public void MeasureBatch(int count)
    {
        Measure(_baseline);
        Measure(_hooked);
        for (int r = 0; r < count; r++)
        {
            long start = Stopwatch.GetTimestamp();
            double a, b;
            if (BaselineFirst(r))
            {
                a = Measure(_baseline);
                b = Measure(_hooked);
            }
            else
            {
                b = Measure(_hooked);
                a = Measure(_baseline);
            }

            _reps.Add(new RepetitionSample(a, b, start, Stopwatch.GetTimestamp()));
        }
    }

    /// <summary>
    /// A B, B A, A B, …: repetition r measures the baseline first when r is even. Every pair is adjacent in
    /// time, and each side goes first equally often, so neither inherits a systematic "second" position.
    /// </summary>
    public static bool BaselineFirst(int repetition) => repetition % 2 == 0;

    /// <summary>The overhead so far (Hodges–Lehmann shift with its interval).</summary>
    public Estimate Overhead() =>
        RobustStatistics.Shift([.. _reps.Select(r => r.BaselineNs)], [.. _reps.Select(r => r.HookedNs)]);

    public CellSamples Samples() => new(Spec, [.. _reps], Calls, HookedPath, BaselinePath) { Code = Code };

    public void Dispose()
    {
        _baseline.Dispose();
        _hooked.Dispose();
    }

    double Measure(MeasuredCode side) => _clocks.TicksToNs(side.Run(_iterations)) / Calls;

    /// <summary>Loop iterations that make one hooked measurement last about <paramref name="target"/>.</summary>
    static ulong Calibrate(MeasuredCode side, Clocks clocks, TimeSpan target)
    {
        ulong iterations = 16;
        double targetNs = target.TotalMilliseconds * 1e6;
        while (true)
        {
            double ns = clocks.TicksToNs(side.Run(iterations));
            if (ns >= targetNs / 8 || iterations >= 1UL << 30)
                return Math.Max(1, (ulong)(iterations * targetNs / Math.Max(ns, 1)));
            iterations *= 4;
        }
    }

    static CellCodeFacts CodeFacts(CellSpec spec, CodeWalk baseline, CodeWalk hooked) => new(
        hooked.HookCodeBytes,
        hooked.CallerInstructionsPerCall,
        hooked.CallsPerPass is int calls ? new Results.FootprintResult
        {
            Shape = Footprint.FootprintShapes.Name(Footprint.FootprintShapes.For(spec.Strategy)),
            CallsPerPass = calls,
            InstructionsPerPass = hooked.PassInstructions!.Value,
            BaselineInstructionsPerPass = baseline.PassInstructions!.Value,
            CodeBytesPerPass = hooked.PassCodeBytes!.Value,
            BaselineCodeBytesPerPass = baseline.PassCodeBytes!.Value,
            BranchesPerPass = hooked.PassBranches!.Value,
            BaselineBranchesPerPass = baseline.PassBranches!.Value,
            LookupDataBytes = hooked.LookupDataBytes,
        } : null);
}
