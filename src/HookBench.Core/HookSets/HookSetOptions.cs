using HookBench.Abi;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Trampolines;
using HookBench.Uprobes;

namespace HookBench.HookSets;

/// <summary>One combination to emit: strategy × handler × argument count × calling convention × alignment.</summary>
public sealed record HookSetOptions(
    Strategy Strategy,
    HandlerKind Handler,
    int ArgCount,
    CallingConvention Abi,
    StackAlignment Alignment = StackAlignment.Kernel)
{
    public const int MaxArgs = 6;

    /// <summary>The largest <see cref="SiteOffset"/>: blobs start on 64-byte lines.</summary>
    public const int MaxSiteOffset = 63;

    public const int MaxSpareTrampolines = 16;

    /// <summary>What sits between the trampoline and the program: ops-list's K ops, direct's P programs and their bookkeeping.</summary>
    public Attachment Attach { get; init; } = Attachment.Default;

    /// <summary>Test builds only: the first callback calls the target again from inside the hook (the recursion guards' probe).</summary>
    internal bool Reenter { get; init; }

    /// <summary>Validation builds: targets record a witness, handlers record what they saw and clobber volatiles.</summary>
    public bool Instrumented { get; init; }

    /// <summary>
    /// What the arena's code pages are made of. Measurement and validation cells use
    /// <see cref="ArenaBacking.Anonymous"/> (every OS; nothing runs while a site is patched). Kernel-uprobe cells and
    /// live patching (patch-stress) use <see cref="ArenaBacking.File"/> (Linux): the kernel finds uprobed code by inode +
    /// offset, and live patches go through the shared alias without ever taking execute permission away.
    /// </summary>
    public ArenaBacking Backing { get; init; } = ArenaBacking.Anonymous;

    /// <summary>The mitigations the target, trampoline and handlers are compiled with.</summary>
    public MitigationProfile Profile { get; init; } = MitigationProfiles.None;

    /// <summary>Kernel-probe strategies: the BPF program attached to the probe (none: the perf event alone).</summary>
    public ProbeProgram Program { get; init; } = ProbeProgram.None;

    /// <summary>
    /// fmod_ret strategies: what the program returns. 0 (the default, and what runs are measured with) lets
    /// the original run; anything else skips it and becomes the traced function's return value.
    /// </summary>
    public ulong ModifiedReturn { get; init; }

    /// <summary>
    /// Where the target starts within its 64-byte line (0..63). Blobs start on a line, so every site lies
    /// within one aligned 8-byte word; an offset of 4..7 makes the 5-byte site cross an 8-byte boundary,
    /// which the atomic live patcher must refuse.
    /// </summary>
    public int SiteOffset { get; init; }

    /// <summary>
    /// The target's first argument points at a per-thread block (<see cref="HookSets.ThreadCounters"/>):
    /// the body and the counter handler count into it instead of into shared slots.
    /// </summary>
    public bool ThreadCounters { get; init; }

    /// <summary>Extra copies of the trampoline to emit (<see cref="HookSet.SpareTrampolines"/>); 0..<see cref="MaxSpareTrampolines"/>.</summary>
    public int SpareTrampolines { get; init; }

    internal TrampolineMutation Mutation { get; init; }

    internal int InjectedLatency { get; init; }

    /// <summary>Bytes of int3 before the first blob (a multiple of 64): another placement of the same code, at other page offsets.</summary>
    internal int CodeOffset { get; init; }

    /// <summary>Where to ask for the arena (page-aligned; 0 = wherever the system maps it): the virtual pages of a placement.</summary>
    internal ulong AddressHint { get; init; }

    public override string ToString() =>
        $"{Strategy.Name} {Handler.Name()} args={ArgCount} {Abi.Name} {Alignment.Name()}"
        + (Attach.IsDefault ? string.Empty : $" {Attach.Label}")
        + (Profile.Name == MitigationProfiles.None.Name ? string.Empty : $" profile={Profile.Name}")
        + (Program == ProbeProgram.None ? string.Empty : $" bpf-prog={Program.Name()}")
        + (ModifiedReturn == 0 ? string.Empty : $" fmod_ret=0x{ModifiedReturn:X}");

    /// <summary>Whether this combination can be built; <paramref name="error"/> is a one-line reason naming the valid choices.</summary>
    public bool TryValidate(out string? error)
    {
        error = null;
        if (ArgCount is < 0 or > MaxArgs)
            error = $"args must be 0..{MaxArgs}; got {ArgCount}";
        else if (Strategy.RefusedHandlers.TryGetValue(Handler, out string? why))
        {
            var valid = HandlerKinds.All.Where(h => !Strategy.RefusedHandlers.ContainsKey(h)).Select(h => h.Name());
            error = $"strategy {Strategy.Name} refuses handler {Handler.Name()}: {why}; valid handlers for {Strategy.Name}: {string.Join(", ", valid)}";
        }
        else if (Alignment == StackAlignment.CAbi && !Strategy.SupportsAlignment)
            error = $"strategy {Strategy.Name} has no trampoline to pad the stack; valid alignment for it: {StackAlignment.Kernel.Name()}";
        else if (Strategy.Trampoline is TrampolineSpec spec && !spec.TryValidate(out error))
            error = $"strategy {Strategy.Name}: {error}";
        else if (Strategy.RefusesProfile(Profile) is string refusal)
            error = $"strategy {Strategy.Name} cannot use profile {Profile.Name}: {refusal}; valid profiles for {Strategy.Name}: {ValidProfiles(Strategy)}";
        else if (ModifiedReturn != 0 && !Strategy.ModifiesReturn)
            error = $"strategy {Strategy.Name} has no fmod_ret program to return 0x{ModifiedReturn:X}";
        else if (Program != ProbeProgram.None && !Strategy.IsKernelProbe)
            error = $"strategy {Strategy.Name} has no kernel probe to run BPF program {Program.Name()} on; valid for it: bpf-prog=none (programs run on {string.Join(", ", StrategyCatalog.KernelProbes.Select(s => s.Name))})";
        else if (SiteOffset is < 0 or > MaxSiteOffset)
            error = $"site offset must be 0..{MaxSiteOffset}; got {SiteOffset}";
        else if (SpareTrampolines is < 0 or > MaxSpareTrampolines)
            error = $"spare trampolines must be 0..{MaxSpareTrampolines}; got {SpareTrampolines}";
        else if (SpareTrampolines > 0 && Strategy.Trampoline is null)
            error = $"strategy {Strategy.Name} has no trampoline to copy";
        else if (ThreadCounters && ArgCount < 1)
            error = "thread counters need at least 1 argument (it carries the counter block); valid args: 1..6";
        else if (ThreadCounters && Handler != HandlerKind.Counter)
            error = $"thread counters are kept by the counter handler; got handler {Handler.Name()}; valid: {HandlerKind.Counter.Name()}";
        else if (SiteOffset != 0 && !Attach.IsDefault)
            error = $"a site offset applies to plain hook sets only (the function padding of {Attach.Label} must sit right before the entry); valid: site offset 0";
        else if (Attach.TryValidate(Strategy, out error) && Attach.CallsIndirectly(Strategy) && LeavesIndirectCallsUnaccounted(Profile))
        {
            error = $"{Strategy.Name}{(Attach.IsDefault ? string.Empty : " " + Attach.Label)} calls its callbacks indirectly, and profile {Profile.Name} "
                + "tracks call depth without retpolines: nothing accounts those calls, so each callback's return underflows the depth counter "
                + "(the kernel tracks call depth only with retpolines, whose call thunk accounts them: cdt_possible() in arch/x86/kernel/cpu/bugs.c); "
                + $"valid profiles here: {string.Join(", ", MitigationProfiles.Names.Where(n => !LeavesIndirectCallsUnaccounted(MitigationProfiles.Parse(n))))}";
        }

        return error is null;
    }

    /// <summary>Call-depth accounting without the retpoline call thunk: an indirect call is left unaccounted (see <see cref="ThunkSet.EmitIndirectCall(Iced.Intel.Assembler, Iced.Intel.Register, ulong, ICollection{Emission.PathFact})"/>).</summary>
    static bool LeavesIndirectCallsUnaccounted(MitigationProfile profile) =>
        profile.CallDepthAccounting && profile.IndirectCall != IndirectCallKind.RetpolineThunk;

    /// <summary>The profiles <paramref name="strategy"/> can use, by name.</summary>
    public static string ValidProfiles(Strategy strategy) =>
        string.Join(", ", MitigationProfiles.Names.Where(n => strategy.RefusesProfile(MitigationProfiles.Parse(n)) is null));

    /// <summary>Refuses combinations that cannot be built, with the <see cref="TryValidate"/> reason.</summary>
    public void EnsureValid()
    {
        if (!TryValidate(out string? error))
            throw new UsageException(error!);
    }
}
