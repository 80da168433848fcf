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
}
