using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Validation;

/// <summary>One failed promise: which check, and what was seen instead.</summary>
public sealed record CheckFailure(string Check, string Detail)
{
    public override string ToString() => $"{Check}: {Detail}";
}

/// <summary>The outcome of one strategy × handler × args × ABI × alignment case.</summary>
public sealed record TransparencyResult(HookSetOptions Case, int Checks, IReadOnlyList<CheckFailure> Failures)
{
    /// <summary>RSP mod 16 at the entry handler's first instruction, as the build documents it; null without a handler.</summary>
    public int? HandlerEntryRspMod16 { get; init; }

    public bool Passed => Failures.Count == 0;
}

public static class ValidationCases
{
    /// <summary>Every buildable combination, optionally for one strategy.</summary>
    public static IEnumerable<HookSetOptions> All(Strategy? only = null)
    {
        foreach (var strategy in only is null ? StrategyCatalog.All : [only])
        foreach (var handler in HandlerKinds.All)
        foreach (var abi in CallingConvention.All)
        foreach (var alignment in StackAlignments.All)
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        {
            var options = new HookSetOptions(strategy, handler, n, abi, alignment) { Instrumented = true };
            if (options.TryValidate(out _))
                yield return options;
        }
    }
}
