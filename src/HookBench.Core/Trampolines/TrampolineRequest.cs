using HookBench.Abi;
using HookBench.Handlers;

namespace HookBench.Trampolines;

/// <summary>The inputs to one trampoline: its shape and the addresses it connects.</summary>
public sealed record TrampolineRequest(
    TrampolineSpec Spec,
    CallingConvention Abi,
    int ArgCount,
    ulong Target,
    ulong EntryHandler)
{
    /// <summary>fexit: the handler called after the original body.</summary>
    public ulong? ExitHandler { get; init; }

    /// <summary>The <c>struct ftrace_ops *</c> a per-ops trampoline stores after its ret and passes to the callback.</summary>
    public ulong OpsPointer { get; init; }

    internal TrampolineMutation Mutation { get; init; }

    /// <summary>Sensitivity runs only: k dependent 1-cycle instructions on the first argument after it is restored.</summary>
    internal int InjectedLatency { get; init; }
}

/// <summary>What the builder promises about the code it emitted.</summary>
public sealed record TrampolineLayout(ContextLayout Context, int HandlerEntryRspMod16, int? ExitHandlerEntryRspMod16)
{
    /// <summary>The label of data emitted after the code (the per-ops pointer), if any.</summary>
    public Iced.Intel.Label? DataLabel { get; init; }
}
