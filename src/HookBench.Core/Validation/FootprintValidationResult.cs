using HookBench.HookSets;

namespace HookBench.Validation;

/// <summary>The outcome of one footprint case: a strategy × handler × args × ABI with M hooked functions.</summary>
public sealed record FootprintValidationResult(HookSetOptions Case, int Functions, int Checks, IReadOnlyList<CheckFailure> Failures)
{
    /// <summary>RSP mod 16 at the handler's first instruction, as the build documents it; null without a handler.</summary>
    public int? HandlerEntryRspMod16 { get; init; }

    public bool Passed => Failures.Count == 0;

    public override string ToString() => $"{Case} functions={Functions}";
}
