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

    /// <summary>A kernel-probe case this machine would not run: the refusal (which facility, why, how to enable it). No checks ran.</summary>
    public Uprobes.KernelUnavailable? Refused { get; init; }

    /// <summary>The refusal's one line, or null when the case ran.</summary>
    public string? Skipped => Refused?.Line;

    /// <summary>No check failed (a skipped case has none).</summary>
    public bool Passed => Failures.Count == 0;
}
