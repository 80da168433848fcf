using HookBench.Uprobes;

namespace HookBench.HookSets;

/// <summary>
/// A kernel probe on a kernel-probe hook set's probe point, with the BPF program its options name. The
/// probe goes on an inode and offset (the arena's memfd), so only this set's code is probed. Once it is on,
/// the probed page of the execute view is a private copy for good (see CodeArena.FileBacked.cs): the set
/// is measured once and thrown away, never patched again.
/// </summary>
public sealed class AttachedKernelProbe : IDisposable
{
    /// <summary>Bytes compared to tell a breakpoint from an optimized call (a call rel32 is five).</summary>
    const int ClassifiedBytes = 5;

    readonly HookSet _set;
    readonly KernelProbeAttachment _attachment;
    readonly byte[] _original;

    AttachedKernelProbe(HookSet set, KernelProbeAttachment attachment, byte[] original)
    {
        _set = set;
        _attachment = attachment;
        _original = original;
    }

    public KernelProbePoint Point => _set.Probe!;

    /// <summary>Hits the counter program has counted; null for the other programs.</summary>
    public ulong? CountedHits => _attachment.CountedHits;

    /// <summary>
    /// Puts the probe on, or returns why the kernel or this process refused. A probe that may be optimized
    /// (on the nop5) gets the arena's trampoline room released right after: the first hit, which comes next,
    /// is when 6.18 looks for a page for <c>[uprobes-trampoline]</c> within reach of the site.
    /// </summary>
    public static KernelOutcome<AttachedKernelProbe> Attach(HookSet set, KernelProbes probes)
    {
        var point = set.Probe ?? throw new InvalidOperationException($"{set.Options.Strategy.Name} is not a kernel-probe strategy");
        var arena = set.Arena;
        byte[] original = arena.ReadAsWritten(point.Address, ClassifiedBytes);
        var site = new UprobeSite(arena.CodeFilePath, arena.CodeFileOffset(point.Address));
        var attached = probes.Attach(site, point.Spec.Kind, set.Options.Program);
        if (!attached.IsAvailable)
            return attached.Unavailable!;
        if (point.Spec.MayOptimize)
            arena.ReleaseTrampolineRoom();
        return new AttachedKernelProbe(set, attached.Value, original);
    }

    /// <summary>What the execute view holds at the probed instruction now.</summary>
    public ProbedSiteState SiteState() =>
        ProbedSiteState.Classify(_original, _set.Arena.Read(Point.Address, ClassifiedBytes), Point.Address);

    /// <summary>
    /// The probed instruction in words, and whether it is a call into <c>[uprobes-trampoline]</c> (ba2bfc97b462's
    /// optimization took). A call anywhere else is reported as such: it would not be the kernel's rewrite.
    /// </summary>
    public (string Text, bool Optimized) DescribeSite()
    {
        var state = SiteState();
        switch (state.Kind)
        {
            case ProbedSiteKind.OptimizedCall:
                string name = ProcessMapping.Containing(state.CallTarget!.Value) is { } mapping
                    ? (mapping.Name.Length > 0 ? mapping.Name : "an anonymous mapping")
                    : "an unmapped address";
                bool optimized = name == ProcessMapping.UprobeTrampolineName;
                return ($"call {name}{(optimized ? " (optimized)" : " (not the uprobe trampoline)")}", optimized);
            case ProbedSiteKind.Breakpoint:
                return ("int3", false);
            case ProbedSiteKind.Original:
                return ("the original bytes (no probe installed)", false);
            default:
                return ($"unexpected bytes {Convert.ToHexString(_set.Arena.Read(Point.Address, ClassifiedBytes))}", false);
        }
    }

    /// <summary>Takes the probe off (the kernel restores the bytes in this process's copy), then the program and map.</summary>
    public void Dispose() => _attachment.Dispose();
}
