using HookBench.Emission;
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
    public EmittedBlob? Replacement { get; init; }
    public AttachedHandler? Entry { get; init; }
    public AttachedHandler? Exit { get; init; }
    public EmittedBlob? Trampoline { get; init; }

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
