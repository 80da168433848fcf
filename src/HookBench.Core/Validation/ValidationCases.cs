using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Validation;

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
