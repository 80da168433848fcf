using HookBench.Emission;
using HookBench.Handlers;

namespace HookBench.Trampolines;

/// <summary>What the builder promises about the code it emitted.</summary>
public sealed record TrampolineLayout(ContextLayout Context, int HandlerEntryRspMod16, int? ExitHandlerEntryRspMod16)
{
    /// <summary>The label of data emitted after the code (the per-ops pointer), if any.</summary>
    public Iced.Intel.Label? DataLabel { get; init; }

    /// <summary>Where control goes at the transfers the decoder cannot resolve alone (see <see cref="PathFacts"/>).</summary>
    public IReadOnlyList<PathFact> PathFacts { get; init; } = [];

    /// <summary>
    /// Under call-depth accounting, how much deeper the depth counter ends a call than the calls and returns
    /// the CPU executed (its return-stack buffer) say. 0 when every call is accounted once: so in call mode,
    /// where the trampoline accounts the site's call. +1 in jmp mode: x86_call_depth_emit_accounting() still
    /// accounts "the __fentry__ call" at the trampoline's entry (the 6.19 jmp-mode series left it alone),
    /// but the site jumped. −1 for an indirect call that only a retpoline call thunk would have accounted.
    /// </summary>
    public int CallDepthSurplus { get; init; }
}
