using HookBench.Emission;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Targets;
using HookBench.Trampolines;

namespace HookBench.HookSets;

/// <summary>
/// Everything one hooked function needs, in one arena, as the builder left it: the target (and a
/// livepatch replacement), its site, the handler(s), the trampoline, and what later stages need to know
/// about them (resume points and path facts, handler-entry alignments, data slots). Immutable once built;
/// harnesses add their own blobs to <see cref="Image"/> before <see cref="Seal"/>.
/// </summary>
public sealed class HookSet : IDisposable
{
    internal HookSet(HookSetOptions options, CodeImage image, Site site)
    {
        Options = options;
        Image = image;
        Site = site;
        Patcher = new SitePatcher(image.Arena, site);
    }

    public HookSetOptions Options { get; }
    public CodeImage Image { get; }
    public CodeArena Arena => Image.Arena;

    /// <summary>Where and what kind of site the target starts with.</summary>
    public Site Site { get; }

    public SitePatcher Patcher { get; }

    public required EmittedBlob Target { get; init; }

    /// <summary>
    /// Where callers call the target: its first instruction, or under call-depth accounting the call thunk in
    /// its padding that callthunks.c redirects calls to (it accounts the call and falls through into the function).
    /// </summary>
    public required ulong EntryPoint { get; init; }

    /// <summary>The mitigation thunks and depth counter the set was compiled with (nothing for profile none).</summary>
    public required ThunkSet Thunks { get; init; }

    /// <summary>What the trampoline documents about its call-depth accounting (<see cref="TrampolineLayout.CallDepthSurplus"/>); 0 without one.</summary>
    public int CallDepthSurplus => Layout?.CallDepthSurplus ?? 0;
    public EmittedBlob? Replacement { get; init; }
    public AttachedHandler? Entry { get; init; }
    public AttachedHandler? Exit { get; init; }
    public EmittedBlob? Trampoline { get; init; }

    /// <summary>
    /// More copies of <see cref="Trampoline"/> (<see cref="HookSetOptions.SpareTrampolines"/>), each
    /// assembled for its own address, for a site that is attached to a different one each time, as the
    /// kernel allocates a new trampoline image per update and frees the old one after a grace period.
    /// </summary>
    public IReadOnlyList<EmittedBlob> SpareTrampolines { get; init; } = [];

    /// <summary>Validation builds only: what reached the target's (and the replacement's) body.</summary>
    public WitnessSlots? TargetWitness { get; init; }
    public WitnessSlots? ReplacementWitness { get; init; }

    /// <summary>The <c>struct ftrace_ops *</c> handed to ftrace callbacks (a data slot standing in for the ops).</summary>
    public required ulong OpsPointer { get; init; }

    /// <summary>
    /// Every callback when the hook calls several (ops-list's K ops, direct's P programs), in call order;
    /// empty for one handler. <see cref="Entry"/> is then the first of them.
    /// </summary>
    public IReadOnlyList<ChainedHandler> Chain { get; init; } = [];

    /// <summary>The kernel state the hook's runtime code keeps (recursion bits, preempt count, migrate counters), if any.</summary>
    public Kernel.KernelState? Kernel { get; init; }

    /// <summary>The BPF programs behind <see cref="Chain"/>, when the hook calls BPF programs through the runtime or a lookup.</summary>
    public IReadOnlyList<Bpf.BpfProgram> Programs { get; init; } = [];

    /// <summary>The trampoline's documented layout, or null when there is no trampoline.</summary>
    public TrampolineLayout? Layout { get; init; }

    /// <summary>Where the routed site goes: the trampoline, the handler itself, or nothing (the baseline).</summary>
    public ulong? SiteDestination { get; init; }

    /// <summary>Where control goes at transfers the decoder cannot resolve alone (for <see cref="Measurement.ExecutedPath"/>).</summary>
    public required PathFacts PathFacts { get; init; }

    /// <summary>Kernel-probe strategies: the instruction the kernel probes and the path facts of a probed call; null otherwise.</summary>
    public KernelProbePoint? Probe { get; init; }

    public bool IsAttached { get; private set; }

    public void Seal() => Arena.Seal();

    /// <summary>Routes the site to its destination. A no-op for the unpatched baseline.</summary>
    public void Attach()
    {
        if (SiteDestination is ulong destination && !IsAttached)
        {
            Patcher.Attach(destination);
            IsAttached = true;
        }
    }

    public void Detach()
    {
        if (SiteDestination is ulong destination && IsAttached)
        {
            Patcher.Detach(destination);
            IsAttached = false;
        }
    }

    public IEnumerable<EmittedBlob> Blobs => Image.Blobs;

    public void Dispose() => Arena.Dispose();
}
