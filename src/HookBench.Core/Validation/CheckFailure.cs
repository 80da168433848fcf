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
