using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Validation;

/// <summary>The outcome of one strategy × handler × args × ABI × alignment case.</summary>
public sealed record TransparencyResult(HookSetOptions Case, int Checks, IReadOnlyList<CheckFailure> Failures)
{
    /// <summary>RSP mod 16 at the entry handler's first instruction, as the build documents it; null without a handler.</summary>
    public int? HandlerEntryRspMod16 { get; init; }

    public bool Passed => Failures.Count == 0;
}
