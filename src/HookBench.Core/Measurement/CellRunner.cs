using System.Diagnostics;
using HookBench.Kernel;
using HookBench.Statistics;

namespace HookBench.Measurement;

/// <summary>
/// Measures one cell, a batch of repetitions at a time. The baseline is the same code with the site
/// left a NOP (strategy <c>none</c>): the hook set is emitted twice, byte for byte alike at the same
/// offsets in two arenas, and only one copy is patched, once, before measuring. Nothing is patched
/// between measurements: right after a patch this machine ran the patched page measurably slower for
/// milliseconds, which would have been charged to whichever side was patched last. Within a batch,
/// repetitions interleave the two copies as A B, B A, A B, … so drift hits both alike.
/// A kernel-probe cell is the same, except that the kernel, not a patch, hooks the copy (see
/// <see cref="KernelProbeCell"/>): its first hit is timed on its own before anything else runs it.
/// </summary>
public sealed class CellRunner : IDisposable
{
    readonly CellSide _baseline;
    readonly CellSide _hooked;
    readonly KernelProbeCell? _kernel;
    readonly Clocks _clocks;
    readonly ulong _iterations;
    readonly List<RepetitionSample> _reps = [];

    /// <summary>
    /// Emits both copies, hooks one and calibrates. A kernel-probe cell the kernel or this process refuses
    /// throws <see cref="KernelUnavailableException"/> with the one-line reason, having released everything.
    /// </summary>
    public CellRunner(CellSpec spec, Clocks clocks, MeasurementSettings settings, KernelProbes? probes = null)
    {
        spec.Key.Validate();
        Spec = spec;
        _clocks = clocks;
        _baseline = CellSide.Prepare(spec);
        try
        {
            _hooked = CellSide.Prepare(spec);
            BaselinePath = ExecutedPath.Walk(_baseline.Set);
            if (spec.Strategy.IsKernelProbe)
            {
                HookedPath = ExecutedPath.Walk(_hooked.Set.Arena, _hooked.Set.EntryPoint, _hooked.Set.Probe!.ProbedPathFacts);
                _kernel = KernelProbeCell.Start(spec, _hooked, probes ?? KernelProbes.ForThisProcess(), clocks, settings);
                Precision = settings.KernelPrecision;
            }
            else
            {
                _hooked.Set.Attach();
                HookedPath = ExecutedPath.Walk(_hooked.Set);
                Precision = settings.Precision;
            }

            bool kernel = spec.Strategy.IsKernelProbe;
            _iterations = Calibrate(_hooked, clocks, kernel ? settings.KernelMeasurementTime : settings.MeasurementTime, kernel);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CellSpec Spec { get; }
    public PathWalk BaselinePath { get; }
    public PathWalk HookedPath { get; }

    /// <summary>The interval goal of this cell in adaptive runs (relative only for kernel probes).</summary>
    public PrecisionTarget Precision { get; }

    public int Count => _reps.Count;
    ulong Calls => _iterations * TimingHarness.Unroll;

    /// <summary>Measures one cell start to finish (tests and the cross-check use this; runs use batches).</summary>
    public static CellSamples Run(CellSpec spec, MeasurementSettings settings, Clocks clocks, KernelProbes? probes = null)
    {
        using var runner = new CellRunner(spec, clocks, settings, probes);
        int reps = settings.Reps ?? settings.MinReps;
        runner.MeasureBatch(reps);
        runner.VerifyKernelCount();
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

    /// <summary>
    /// A counter-program cell: throws <see cref="CheckFailedException"/> unless the BPF map counted exactly
    /// the calls made to the probed copy. Other cells: nothing to check.
    /// </summary>
    public void VerifyKernelCount() => _kernel?.VerifyCount(_hooked.CallsMade);

    public CellSamples Samples() => new(Spec, [.. _reps], Calls, HookedPath, BaselinePath)
    {
        Kernel = _kernel?.Result(_hooked.CallsMade),
    };

    public void Dispose()
    {
        _kernel?.Dispose();
        _baseline?.Dispose();
        _hooked?.Dispose();
    }

    double Measure(CellSide side) => _clocks.TicksToNs(side.Run(_iterations)) / Calls;

    /// <summary>
    /// Loop iterations that make one hooked measurement last about <paramref name="target"/>. Kernel-probe
    /// cells start from one iteration (16 calls can already take 100 µs), the others from 16.
    /// </summary>
    static ulong Calibrate(CellSide side, Clocks clocks, TimeSpan target, bool kernel)
    {
        ulong iterations = kernel ? 1UL : 16UL;
        double targetNs = target.TotalMilliseconds * 1e6;
        while (true)
        {
            double ns = clocks.TicksToNs(side.Run(iterations));
            if (ns >= targetNs / 8 || iterations >= 1UL << 30)
                return Math.Max(1, (ulong)(iterations * targetNs / Math.Max(ns, 1)));
            iterations *= 4;
        }
    }
}
