namespace HookBench.Footprint;

/// <summary>How a strategy hooks many functions at once: the design choice that only shows at scale.</summary>
public enum FootprintShape
{
    /// <summary>Nothing is hooked: every site stays a NOP (the baseline strategy).</summary>
    Unhooked,

    /// <summary>
    /// ftrace's shape: every site calls one shared trampoline, whose callback must find out by ip which
    /// function it is serving (ftrace_ops_list_func's filter-hash test, see <see cref="FtraceHash"/>).
    /// </summary>
    Shared,

    /// <summary>The BPF trampoline's shape: each function gets its own generated trampoline with what it needs baked in.</summary>
    PerFunction,

    /// <summary>Every site calls the handler itself.</summary>
    DirectCall,
}
