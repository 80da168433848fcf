using HookBench.HookSets;
using HookBench.Results;
using HookBench.Statistics;
using HookBench.Uprobes;

namespace HookBench.Measurement;

/// <summary>
/// The kernel's part of a kernel-probe cell: the probe on the measured copy, its first hit timed on its own,
/// and the BPF counter checked against the calls made.
/// <para>
/// A first hit happens once per probe: it traps, and on 6.18 a probe on the nop5 is rewritten then into a
/// call to <c>[uprobes-trampoline]</c> (ba2bfc97b462). So each sample of it needs a fresh copy of the
/// target and a fresh probe: <see cref="MeasurementSettings.FirstHitSamples"/> − 1 fresh copies are probed,
/// hit once and thrown away, then the measured copy. Each first call is timed through the one-call timer
/// and the median of a few unprobed calls through the same timer (which also warm the code, the page
/// tables and the predictors) is subtracted. The process-wide pages the kernel maps on a first hit (the XOL
/// area, the trampoline page) fall to whichever sample comes first in the process; the median shrugs it off.
/// </para>
/// </summary>
sealed class KernelProbeCell : IDisposable
{
    const int UnprobedCalls = 5;

    readonly CellSpec _spec;
    readonly AttachedKernelProbe _probe;
    readonly IReadOnlyList<double> _firstHits;
    readonly string _siteAfterFirstHit;
    readonly bool _optimized;
    readonly int _firstHitsOptimized;

    KernelProbeCell(CellSpec spec, AttachedKernelProbe probe, IReadOnlyList<double> firstHits, string site, bool optimized, int firstHitsOptimized)
    {
        _spec = spec;
        _probe = probe;
        _firstHits = firstHits;
        _siteAfterFirstHit = site;
        _optimized = optimized;
        _firstHitsOptimized = firstHitsOptimized;
    }

    /// <summary>
    /// Times first hits on fresh copies, then puts the probe on <paramref name="measured"/> and times its first
    /// hit; from then on every call of the measured copy is counted. A refusal throws <see cref="KernelUnavailableException"/>.
    /// </summary>
    public static KernelProbeCell Start(CellSpec spec, OneFunctionCode measured, KernelProbes probes, Clocks clocks, MeasurementSettings settings)
    {
        var firstHits = new List<double>();
        int optimized = 0;
        var spent = new List<(OneFunctionCode Side, AttachedKernelProbe? Probe)>();
        try
        {
            for (int sample = 1; sample < settings.FirstHitSamples; sample++)
            {
                var fresh = OneFunctionCode.Prepare(spec);
                spent.Add((fresh, null));
                var probe = FirstHit(fresh, probes, clocks, out double ns);
                spent[^1] = (fresh, probe);
                firstHits.Add(ns);
                optimized += probe.DescribeSite().Optimized ? 1 : 0;
            }

            var attached = FirstHit(measured, probes, clocks, out double measuredNs);
            firstHits.Add(measuredNs);
            var (site, isOptimized) = attached.DescribeSite();
            optimized += isOptimized ? 1 : 0;
            return new KernelProbeCell(spec, attached, firstHits, site, isOptimized, optimized);
        }
        finally
        {
            Release(spent);
        }
    }

    /// <summary>
    /// Takes spent probes off and frees their copies, all at once: closing a uprobe's perf event waits in the
    /// kernel for RCU grace periods (uprobe_unregister_sync; 50–150 ms each on this VM), and waits that overlap
    /// share them. Each probe comes off before its copy is unmapped.
    /// </summary>
    public static void Release(IReadOnlyList<(OneFunctionCode Side, AttachedKernelProbe? Probe)> spent) =>
        Parallel.ForEach(spent, s =>
        {
            s.Probe?.Dispose();
            s.Side.Dispose();
        });

    /// <summary>Warms the unprobed copy, puts the probe on and times the first call; the copy's call count starts at that call.</summary>
    static AttachedKernelProbe FirstHit(OneFunctionCode side, KernelProbes probes, Clocks clocks, out double overheadNs)
    {
        var unprobed = new double[UnprobedCalls];
        for (int i = 0; i < unprobed.Length; i++)
            unprobed[i] = clocks.TicksToNs(side.RunOnce());
        side.ResetCalls();
        var outcome = AttachedKernelProbe.Attach(side.Set, probes);
        if (!outcome.IsAvailable)
            throw new KernelUnavailableException(outcome.Unavailable!);
        double first = clocks.TicksToNs(side.RunOnce());
        overheadNs = first - RobustStatistics.Median(unprobed).Median;
        return outcome.Value;
    }

    /// <summary>Throws <see cref="CheckFailedException"/> when the counter program's count is not exactly <paramref name="callsMade"/>.</summary>
    public void VerifyCount(ulong callsMade)
    {
        if (_spec.BpfProgram != ProbeProgram.Counter)
            return;
        ulong counted = _probe.CountedHits ?? 0;
        if (counted != callsMade)
        {
            throw new CheckFailedException(
                $"{_spec.Key.Text}: the BPF counter program counted {counted} hits of the {_probe.Point.Spec.EventName} on {_probe.Point.Spec.InstructionText}, "
                + $"but the harness made {callsMade} calls to the probed target while it was on; a hit was lost or counted twice, so this run's kernel figures cannot be trusted");
        }
    }

    public KernelProbeResult Result(ulong callsMade)
    {
        var spec = _probe.Point.Spec;
        return new KernelProbeResult
        {
            Probe = spec.EventName,
            ProbedInstruction = spec.InstructionText,
            KernelPath = spec.KernelPath,
            FirstHitOverheadNs = RobustStatistics.Median(_firstHits),
            FirstHitSamplesNs = _firstHits,
            SiteAfterFirstHit = _siteAfterFirstHit,
            Optimized = spec.MayOptimize ? _optimized : null,
            FirstHitsOptimized = spec.MayOptimize ? _firstHitsOptimized : null,
            CallsMade = callsMade,
            BpfCountedCalls = _probe.CountedHits,
        };
    }

    public void Dispose() => _probe.Dispose();
}
