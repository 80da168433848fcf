using HookBench.Strategies;
using HookBench.Trampolines;

namespace HookBench.Footprint;

/// <summary>Which shape each strategy takes when it hooks several functions, and which strategies cannot.</summary>
public static class FootprintShapes
{
    public static string Name(this FootprintShape shape) => shape switch
    {
        FootprintShape.Unhooked => "unhooked",
        FootprintShape.Shared => "shared trampoline + lookup by ip",
        FootprintShape.PerFunction => "a trampoline per function",
        _ => "direct call",
    };

    /// <summary>The strategies that can hook several functions, in catalogue order.</summary>
    public static IReadOnlyList<Strategy> Supported { get; } = [.. StrategyCatalog.All.Where(s => TryFor(s, out _, out _))];

    public static string SupportedNames => string.Join(", ", Supported.Select(s => s.Name));

    /// <summary>
    /// The pt_regs (ftrace) strategies share one trampoline, the argument-array (BPF) strategies get one
    /// per function, direct-call calls its handler from every site. A redirecting strategy is refused:
    /// livepatch gives each function its own replacement, which a footprint set does not emit; so is ops-list.
    /// </summary>
    public static bool TryFor(Strategy strategy, out FootprintShape shape, out string? why)
    {
        why = null;
        shape = FootprintShape.Unhooked;
        switch (strategy.Route)
        {
            case SiteRoute.Unpatched:
                return true;
            case SiteRoute.Handler:
                shape = FootprintShape.DirectCall;
                return true;
        }

        if (strategy.IsKernelProbe)
        {
            why = $"strategy {strategy.Name} is the running kernel's probe on one function (each probe is a perf event and about 100 ms of grace periods to take off), which a footprint set does not attach";
            return false;
        }

        if (strategy.Redirects)
        {
            why = $"strategy {strategy.Name} redirects each call to its own livepatch replacement, which a footprint set does not emit";
            return false;
        }

        // The shared shape emits one ops' filter lookup; ops-list's K registered ops, their recursion guards and
        // op->func indirect calls (ftrace_ops_list_func, kernel/trace/ftrace.c) are built for one function only.
        if (strategy.Dispatch == CallbackDispatch.OpsList)
        {
            why = $"strategy {strategy.Name} walks K registered ftrace_ops through ftrace_ops_list_func, which a footprint set does not emit";
            return false;
        }

        shape = strategy.Trampoline!.Context == Handlers.ContextKind.PtRegs ? FootprintShape.Shared : FootprintShape.PerFunction;
        return true;
    }

    public static FootprintShape For(Strategy strategy) =>
        TryFor(strategy, out var shape, out string? why) ? shape : throw new UsageException(why!);
}
