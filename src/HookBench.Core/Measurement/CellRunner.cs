using System.Diagnostics;
using HookBench.Statistics;
using HookBench.Uprobes;

namespace HookBench.Measurement;

/// <summary>
/// Measures one cell, a batch of repetitions at a time. The baseline is the same code with the site
/// left a NOP (strategy <c>none</c>): the cell's code (<see cref="MeasuredCode"/>: one function, or a
/// footprint set of several) is emitted twice, byte for byte alike at the same offsets in two arenas, and
/// only one copy is patched, once, before measuring. Nothing is patched between measurements: right after
/// a patch this machine ran the patched page measurably slower for milliseconds, which would have been
/// charged to whichever side was patched last. Within a batch, repetitions interleave the two copies as
/// A B, B A, A B, … so drift hits both alike.
/// <para>
/// Every batch runs on its own placement: a fresh pair of arenas (other pages) with the code moved by a
/// different leading pad (other page offsets, so other cache sets and predictor entries). A placement's
/// aliasing is otherwise frozen into every repetition of the cell, and an interval over repetitions alone
/// cannot see it. The next placement is emitted and patched right after a batch, so it has settled by
/// the time the next round reaches the cell. A placement (<see cref="PlacementLayout"/>) also chooses the
/// arenas' virtual pages and the harness stack's slot; the physical pages are whatever the kernel gives the
/// fresh arenas. Footprint sets (several functions) move the same way except for the code offset (their pass
/// already spans many pages and every line offset): in a 10-run study with one placement per run, direct at
/// 256 functions moved by up to 15 cycles between runs, far outside each run's interval. Re-emitting 4,096
/// functions costs about 40 ms a copy.
/// </para>
/// <para>
/// A kernel-probe cell is the same, except that the kernel, not a patch, hooks the copy (see
/// <see cref="KernelProbeCell"/>): its first hit is timed on its own before anything else runs it, every
/// call to the probed copy is counted, and it keeps one placement (see <see cref="MeasurementSettings.FreshPlacements"/>).
/// </para>
/// </summary>
public sealed class CellRunner : IDisposable
{
    /// <summary>A placement is not measured sooner than this after it was patched.</summary>
    static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(20);

    readonly Clocks _clocks;
    readonly ulong _iterations;
    readonly bool _freshPlacements;
    readonly KernelProbeCell? _kernel;
    readonly int _seed;
    readonly List<RepetitionSample> _reps = [];
    Placement _current;
    int _placements;

    /// <summary>
    /// Emits the first placement, hooks it and calibrates. A kernel-probe cell the kernel or this process refuses
    /// throws <see cref="KernelUnavailableException"/> with the one-line reason, having released everything.
    /// </summary>
    public CellRunner(CellSpec spec, Clocks clocks, MeasurementSettings settings, KernelProbes? probes = null)
    {
        spec.Key.Validate();
        Spec = spec;
        _clocks = clocks;
        bool kernel = spec.Strategy.IsKernelProbe;
        Precision = settings.PrecisionFor(spec);
        _seed = settings.Seed;
        _current = Placement.Prepare(spec, Layout(0), out var baselineWalk, out var hookedWalk);
        _freshPlacements = settings.FreshPlacements && !kernel;
        _placements = 1;
        try
        {
            BaselinePath = baselineWalk.PerCall;
            HookedPath = hookedWalk.PerCall;
            Code = CodeFacts(spec, baselineWalk, hookedWalk);
            if (_current.Hooked is OneFunctionCode hooked && _current.Baseline is OneFunctionCode baseline)
            {
                BaselineStackBytes = StackProbe.Measure(baseline.Set);
                if (kernel)
                {
                    _kernel = KernelProbeCell.Start(spec, hooked, probes ?? KernelProbes.ForThisProcess(), clocks, settings);
                    // With the probe on: the user stack a probed call touches includes what the kernel's trampolines push.
                    StackBytes = StackProbe.Measure(hooked.Set);
                    hooked.CountCall();
                }
                else
                {
                    StackBytes = StackProbe.Measure(hooked.Set);
                }
            }

            _iterations = Calibrate(_current.Hooked, clocks, kernel ? settings.KernelMeasurementTime : settings.MeasurementTime, kernel);
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

    /// <summary>Hook code footprint, the caller's own instructions, and (several functions) what a pass ran.</summary>
    public CellCodeFacts Code { get; }

    /// <summary>Deepest stack use of one hooked call, and of one unhooked call (see <see cref="StackProbe"/>); null for footprint sets.</summary>
    public int? StackBytes { get; }
    public int? BaselineStackBytes { get; }

    /// <summary>The interval goal of this cell in adaptive runs (relative only for kernel probes).</summary>
    public PrecisionTarget Precision { get; }

    public int Count => _reps.Count;

    /// <summary>Placements emitted so far (one per batch, plus the one waiting for the next batch).</summary>
    public int Placements => _placements;

    ulong Calls => _iterations * (ulong)_current.Hooked.CallsPerIteration;

    /// <summary>Measures one cell start to finish in one batch (tests and the cross-check use this; runs use rounds).</summary>
    public static CellSamples Run(CellSpec spec, MeasurementSettings settings, Clocks clocks, KernelProbes? probes = null)
    {
        using var runner = new CellRunner(spec, clocks, settings, probes);
        int reps = settings.Reps ?? settings.MinReps;
        runner.MeasureBatch(reps);
        runner.VerifyKernelCount();
        return runner.Samples();
    }

    /// <summary>
    /// A warm-up pair (caches, predictors, pages after other cells ran), then <paramref name="count"/>
    /// repetitions on the current placement, labelled with <paramref name="round"/>; then the next placement
    /// is prepared.
    /// </summary>
    public void MeasureBatch(int count, int round = 0)
    {
        var placement = _current;
        placement.WaitUntilSettled(SettleTime);
        Measure(placement.Baseline);
        Measure(placement.Hooked);
        for (int r = 0; r < count; r++)
        {
            long start = Stopwatch.GetTimestamp();
            double a, b;
            if (BaselineFirst(r))
            {
                a = Measure(placement.Baseline);
                b = Measure(placement.Hooked);
            }
            else
            {
                b = Measure(placement.Hooked);
                a = Measure(placement.Baseline);
            }

            _reps.Add(new RepetitionSample(a, b, start, Stopwatch.GetTimestamp(), round));
        }

        if (!_freshPlacements)
            return;
        _current = Placement.Prepare(Spec, Layout(_placements++), out _, out _);
        placement.Dispose();
    }

    /// <summary>
    /// A B, B A, A B, …: repetition r measures the baseline first when r is even. Every pair is adjacent in
    /// time, and each side goes first equally often, so neither inherits a systematic "second" position.
    /// </summary>
    public static bool BaselineFirst(int repetition) => repetition % 2 == 0;

    /// <summary>The overhead so far: the estimator the summary publishes (cluster medians by round, Hodges–Lehmann).</summary>
    public Estimate Overhead() => _reps.Count == 0
        ? Estimate.PointOnly(0)
        : ClusterStatistics.Location([.. _reps.Select(r => r.HookedNs - r.BaselineNs)], [.. _reps.Select(r => r.Round)]);

    /// <summary>
    /// A counter-program cell: throws <see cref="CheckFailedException"/> unless the BPF map counted exactly
    /// the calls made to the probed copy. Other cells: nothing to check.
    /// </summary>
    public void VerifyKernelCount() => _kernel?.VerifyCount(ProbedCallsMade);

    public CellSamples Samples() => new(Spec, [.. _reps], Calls, HookedPath, BaselinePath)
    {
        Code = Code,
        StackBytes = StackBytes,
        BaselineStackBytes = BaselineStackBytes,
        Placements = _freshPlacements ? _placements - 1 : 1,
        Kernel = _kernel?.Result(ProbedCallsMade),
    };

    /// <summary>Calls made to the probed copy since its probe went on (kernel-probe cells keep one placement).</summary>
    ulong ProbedCallsMade => ((OneFunctionCode)_current.Hooked).CallsMade;

    public void Dispose()
    {
        // The probe comes off before its copy is unmapped.
        _kernel?.Dispose();
        _current?.Dispose();
    }

    double Measure(MeasuredCode side) => _clocks.TicksToNs(side.Run(_iterations)) / Calls;

    /// <summary>
    /// Loop iterations that make one hooked measurement last about <paramref name="target"/>. Kernel-probe
    /// cells start from one iteration (16 calls can already take 100 µs), the others from 16.
    /// </summary>
    static ulong Calibrate(MeasuredCode side, Clocks clocks, TimeSpan target, bool kernel)
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

    /// <summary>Every placement's layout comes from the run's seed (placement 0 has the code and stack offsets <c>disasm</c> shows).</summary>
    PlacementLayout Layout(int index) => PlacementLayout.For(_seed, Spec.Key.Text, index);

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

    /// <summary>The baseline and hooked copies at one placement.</summary>
    sealed class Placement : IDisposable
    {
        readonly long _prepared = Stopwatch.GetTimestamp();

        Placement(MeasuredCode baseline, MeasuredCode hooked)
        {
            Baseline = baseline;
            Hooked = hooked;
        }

        public MeasuredCode Baseline { get; }
        public MeasuredCode Hooked { get; }

        /// <summary>Emits both copies at <paramref name="layout"/>, walks them (hooked after attaching) and attaches the hooked one.</summary>
        public static Placement Prepare(CellSpec spec, PlacementLayout layout, out CodeWalk baselineWalk, out CodeWalk hookedWalk)
        {
            var baseline = MeasuredCode.Prepare(spec, layout, hooked: false);
            MeasuredCode? hooked = null;
            try
            {
                hooked = MeasuredCode.Prepare(spec, layout, hooked: true);
                baselineWalk = baseline.Walk();
                hooked.Attach();
                hookedWalk = hooked.Walk();
                return new Placement(baseline, hooked);
            }
            catch
            {
                baseline.Dispose();
                hooked?.Dispose();
                throw;
            }
        }

        public void WaitUntilSettled(TimeSpan settle)
        {
            while (Stopwatch.GetElapsedTime(_prepared) < settle)
                Thread.SpinWait(1000);
        }

        public void Dispose()
        {
            Baseline.Dispose();
            Hooked.Dispose();
        }
    }
}
