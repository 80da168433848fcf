using HookBench.Abi;
using HookBench.Footprint;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Validation;

/// <summary>Which footprint sets <c>validate</c> proves.</summary>
public static class FootprintValidationCases
{
    /// <summary>Every many-function strategy × handler × ABI × args 0..6 with this many functions (each hash bucket then holds one or two).</summary>
    public const int Small = 16;

    /// <summary>At 2 arguments, every handler and ABI: enough functions for long hash chains.</summary>
    public const int Medium = 256;

    /// <summary>At 2 arguments, empty handler, host ABI: the largest set measured.</summary>
    public const int Large = 4096;

    /// <summary>The cases with their function counts, optionally for one strategy.</summary>
    public static IEnumerable<(HookSetOptions Options, int Functions)> All(Strategy? only = null)
    {
        var strategies = FootprintShapes.Supported.Where(s => only is null || s == only).ToList();
        foreach (var strategy in strategies)
        foreach (var handler in HandlerKinds.All)
        foreach (var abi in CallingConvention.All)
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        {
            var options = new HookSetOptions(strategy, handler, n, abi) { Instrumented = true };
            if (!options.TryValidate(out _))
                continue;
            yield return (options, Small);
            if (n == 2)
                yield return (options, Medium);
            if (n == 2 && handler == HandlerKind.Empty && abi == CallingConvention.Host)
                yield return (options, Large);
        }
    }
}
