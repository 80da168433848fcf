using HookBench.Abi;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;

namespace HookBench.Measurement;

/// <summary>How one cell is measured: its key, and the harness settings that are not part of what it names.</summary>
public sealed record CellSpec(CellKey Key)
{
    public CellSpec(Strategy strategy, int argCount, HandlerKind handler, MeasurementMode mode, MitigationProfile? profile = null, ProbeProgram bpfProgram = ProbeProgram.None)
        : this(new CellKey(strategy, argCount, handler, mode) { Profile = profile ?? MitigationProfiles.None, BpfProgram = bpfProgram })
    {
    }

    public Strategy Strategy => Key.Strategy;
    public MitigationProfile Profile => Key.Profile;
    public ProbeProgram BpfProgram => Key.BpfProgram;
    public int ArgCount => Key.Args;
    public HandlerKind Handler => Key.Handler;
    public MeasurementMode Mode => Key.Mode;

    public CallingConvention Abi { get; init; } = CallingConvention.Host;

    /// <summary>The timing loop's shape (unrolled direct calls unless a cross-check asks otherwise).</summary>
    public LoopShape Loop { get; init; } = LoopShape.Unrolled;

    public HookSetOptions HookSet => Key.HookSet(Abi) with { InjectedLatency = InjectedLatency };

    /// <summary>Sensitivity runs only (see <see cref="Sensitivity"/>): extra dependent cycles in the trampoline.</summary>
    internal int InjectedLatency { get; init; }

    public override string ToString() =>
        $"{Strategy.Name} args={ArgCount} {Handler.Name()} {Mode.Name()}"
        + (Profile.Name == MitigationProfiles.None.Name ? string.Empty : $" profile={Profile.Name}")
        + (Key.Functions == 1 ? string.Empty : $" functions={Key.Functions}")
        + (Key.Caller == CallerContext.Unrolled ? string.Empty : $" caller={Key.Caller.Name()}")
        + (Key.Attach.IsDefault ? string.Empty : $" {Key.Attach.Label}")
        + (BpfProgram == ProbeProgram.None ? string.Empty : $" bpf-prog={BpfProgram.Name()}");
}
