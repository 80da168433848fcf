using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;

namespace HookBench.Validation;

public static class ValidationCases
{
    /// <summary>What the validation's fmod_ret program returns to skip the body: recognisable, and not what any target computes.</summary>
    public const ulong SkippingReturn = 0x5EED_F00D;

    /// <summary>
    /// Every buildable combination, optionally for one strategy and some profiles: strategy × profile × handler
    /// × ABI × alignment × args 0..6, and for fmod_ret strategies both a program that lets the original run
    /// and one that skips it.
    /// </summary>
    public static IEnumerable<HookSetOptions> All(Strategy? only = null, IReadOnlyList<MitigationProfile>? profiles = null)
    {
        foreach (var strategy in only is null ? StrategyCatalog.All : [only])
        foreach (var profile in profiles ?? MitigationProfiles.Every)
        foreach (var handler in HandlerKinds.All)
        foreach (var abi in CallingConvention.All)
        foreach (var alignment in StackAlignments.All)
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        foreach (ulong modified in strategy.ModifiesReturn ? new[] { 0UL, SkippingReturn } : [0UL])
        {
            var options = new HookSetOptions(strategy, handler, n, abi, alignment) { Instrumented = true, Profile = profile, ModifiedReturn = modified };
            if (options.TryValidate(out _))
                yield return options;
        }
    }
}
