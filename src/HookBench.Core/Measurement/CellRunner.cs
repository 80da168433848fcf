using System.Diagnostics;
using HookBench.Abi;
using HookBench.HookSets;
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
    readonly Side _baseline;
    readonly Side _hooked;
    readonly Clocks _clocks;
    readonly ulong _iterations;
    readonly List<RepetitionSample> _reps = [];

    public CellRunner(CellSpec spec, Clocks clocks, MeasurementSettings settings)
    {
        spec.Key.Validate();
        Spec = spec;
        _clocks = clocks;
        _baseline = Side.Prepare(spec);
        try
        {
            _hooked = Side.Prepare(spec);
        }
        catch
        {
            _baseline.Dispose();
            throw;
        }

        BaselinePath = ExecutedPath.Walk(_baseline.Set);
        _hooked.Set.Attach();
        HookedPath = ExecutedPath.Walk(_hooked.Set);
        _iterations = Calibrate(_hooked, clocks, settings.MeasurementTime);
    }

    public CellSpec Spec { get; }
    public PathWalk BaselinePath { get; }
    public PathWalk HookedPath { get; }
    public int Count => _reps.Count;
    ulong Calls => _iterations * TimingHarness.Unroll;

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

    public CellSamples Samples() => new(Spec, [.. _reps], Calls, HookedPath, BaselinePath);

    public void Dispose()
    {
        _baseline.Dispose();
        _hooked.Dispose();
    }

    double Measure(Side side) => _clocks.TicksToNs(side.Run(_iterations)) / Calls;

    /// <summary>Loop iterations that make one hooked measurement last about <paramref name="target"/>.</summary>
    static ulong Calibrate(Side side, Clocks clocks, TimeSpan target)
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

    /// <summary>One copy of the cell's code with its timing loop.</summary>
    sealed record Side(HookSet Set, TimingHarness Harness) : IDisposable
    {
        public static Side Prepare(CellSpec spec)
        {
            var set = HookSetBuilder.Emit(spec.HookSet);
            try
            {
                var harness = TimingHarness.Emit(set, CallingConvention.Host, spec.Mode, spec.Loop);
                set.Seal();
                return new Side(set, harness);
            }
            catch
            {
                set.Dispose();
                throw;
            }
        }

        public ulong Run(ulong iterations) => Set.Arena.Invoke(Harness.Blob.Address, iterations);

        public void Dispose() => Set.Dispose();
    }
}
