using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Targets;
using HookBench.Trampolines;

namespace HookBench.HookSets;

/// <summary>
/// Everything one hooked function needs, in one arena: the target (and a livepatch replacement), the
/// handler(s), the trampoline and the site patcher. Built by <see cref="HookSetBuilder"/>; harnesses
/// add their own blobs before <see cref="Seal"/>.
/// </summary>
public sealed class HookSet : IDisposable
{
    internal HookSet(HookSetOptions options, CodeImage image)
    {
        Options = options;
        Image = image;
    }

    public HookSetOptions Options { get; }
    public CodeImage Image { get; }
    public CodeArena Arena => Image.Arena;

    public EmittedBlob Target { get; internal set; } = null!;
    public EmittedBlob? Replacement { get; internal set; }
    public EmittedBlob? EntryHandler { get; internal set; }
    public EmittedBlob? ExitHandler { get; internal set; }
    public EmittedBlob? Trampoline { get; internal set; }

    public WitnessSlots? TargetWitness { get; internal set; }
    public WitnessSlots? ReplacementWitness { get; internal set; }
    public HandlerSlots? EntrySlots { get; internal set; }
    public HandlerSlots? ExitSlots { get; internal set; }
    public ObservationSlots? EntryObservation { get; internal set; }
    public ObservationSlots? ExitObservation { get; internal set; }

    /// <summary>The <c>struct ftrace_ops *</c> handed to ftrace callbacks (a data slot standing in for the ops).</summary>
    public ulong OpsPointer { get; internal set; }

    /// <summary>The trampoline's documented layout, or null when there is no trampoline.</summary>
    public TrampolineLayout? Layout { get; internal set; }

    /// <summary>RSP mod 16 at the entry handler's first instruction, as documented; null without a handler.</summary>
    public int? HandlerEntryRspMod16 { get; internal set; }

    /// <summary>Where the patched site calls: the trampoline, the handler itself, or nothing.</summary>
    public ulong? SiteDestination { get; internal set; }

    public SitePatcher Site { get; internal set; } = null!;

    public bool IsAttached { get; private set; }

    public void Seal() => Arena.Seal();

    /// <summary>Patches the site NOP → call. A no-op for the unpatched baseline.</summary>
    public void Attach()
    {
        if (SiteDestination is ulong destination && !IsAttached)
        {
            Site.Attach(destination);
            IsAttached = true;
        }
    }

    public void Detach()
    {
        if (SiteDestination is ulong destination && IsAttached)
        {
            Site.Detach(destination);
            IsAttached = false;
        }
    }

    public IEnumerable<EmittedBlob> Blobs => Image.Blobs;

    public void Dispose() => Arena.Dispose();
}
