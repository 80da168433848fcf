using HookBench.Statistics;

namespace HookBench.Results;

/// <summary>
/// What a kernel-probe cell measured beside the steady state: the probe, the first hit (the trap that may
/// optimize the site) on its own, what the site held after it, and the BPF counter against the calls made.
/// </summary>
public sealed record KernelProbeResult
{
    /// <summary>"uprobe" or "uretprobe".</summary>
    public required string Probe { get; init; }

    /// <summary>The probed instruction as it was emitted, e.g. "nop dword ptr [rax+rax]" or "push rbp".</summary>
    public required string ProbedInstruction { get; init; }

    /// <summary>What the kernel does on each hit, in a few words.</summary>
    public required string KernelPath { get; init; }

    /// <summary>
    /// The first call after the probe went on, less an unprobed call through the same one-call timer: the
    /// trap, and for a nop5 on 6.18 its rewrite into a call. One sample per fresh probe; median and interval.
    /// </summary>
    public required Estimate FirstHitOverheadNs { get; init; }

    public required IReadOnlyList<double> FirstHitSamplesNs { get; init; }

    /// <summary>What the measured copy's probed instruction held after its first hit, e.g. "call [uprobes-trampoline] (optimized)" or "int3".</summary>
    public required string SiteAfterFirstHit { get; init; }

    /// <summary>Probes on a nop5: whether the measured copy's site became a call into [uprobes-trampoline]; null for other instructions.</summary>
    public bool? Optimized { get; init; }

    /// <summary>Probes on a nop5: how many of the first-hit samples' sites were optimized.</summary>
    public int? FirstHitsOptimized { get; init; }

    /// <summary>Calls made to the probed copy while the probe was on (first hit, calibration, warm-ups, repetitions).</summary>
    public required ulong CallsMade { get; init; }

    /// <summary>The counter program's count, checked equal to <see cref="CallsMade"/>; null for the other programs.</summary>
    public ulong? BpfCountedCalls { get; init; }
}
