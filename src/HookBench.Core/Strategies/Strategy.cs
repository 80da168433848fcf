using HookBench.Handlers;
using HookBench.Sites;
using HookBench.Trampolines;

namespace HookBench.Strategies;

/// <summary>How the site reaches the handler.</summary>
public enum SiteRoute
{
    /// <summary>The site stays a NOP: nothing is hooked (the baseline).</summary>
    Unpatched,

    /// <summary>The site calls a generated trampoline, which calls the handler.</summary>
    Trampoline,

    /// <summary>The site calls the handler itself.</summary>
    Handler,
}

/// <summary>
/// A named hooking strategy: a preset of trampoline flags plus what it promises the traced function and
/// the handler. The validator checks exactly these promises.
/// </summary>
public sealed record Strategy
{
    public required string Name { get; init; }

    /// <summary>What the hook path saves, in a few words.</summary>
    public required string Saves { get; init; }

    /// <summary>Where the sequence comes from, with the kernel version it follows.</summary>
    public required string Origin { get; init; }

    public required SiteRoute Route { get; init; }

    /// <summary>The kind of site the strategy patches (the fentry call site unless a strategy says otherwise).</summary>
    public SiteKind Site { get; init; } = Rel32Site.FentryCall;

    /// <summary>The trampoline preset; null when the route has no trampoline.</summary>
    public TrampolineSpec? Trampoline { get; init; }

    public HandlerSignature Signature { get; init; } = HandlerSignature.FtraceCallback;

    /// <summary>Who calls the callbacks: the trampoline itself, or ftrace's list function.</summary>
    public CallbackDispatch Dispatch { get; init; } = CallbackDispatch.Trampoline;

    /// <summary>The handler redirects the call to a replacement by writing regs->ip (livepatch).</summary>
    public bool Redirects { get; init; }

    /// <summary>EFLAGS at the site reach the traced function unchanged (pushfq/popfq).</summary>
    public bool PreservesFlags { get; init; }

    /// <summary>
    /// The hidden-argument register (System V's AL, the vector count of a variadic call) reaches the
    /// traced function. The BPF trampolines do not save it: BPF attaches only to functions with a BTF
    /// prototype, which are never variadic, and the program's return value lands in rax.
    /// </summary>
    public bool PreservesHiddenArgument { get; init; } = true;

    /// <summary>Handlers that this strategy cannot call, with the reason (refused combinations).</summary>
    public IReadOnlyDictionary<HandlerKind, string> RefusedHandlers { get; init; } = new Dictionary<HandlerKind, string>();

    public bool HasExitHandler => Trampoline?.Has(TrampolineFlags.CallOriginal) == true;

    /// <summary>Whether the C-ABI stack-alignment variant exists (it needs a trampoline to pad).</summary>
    public bool SupportsAlignment => Route == SiteRoute.Trampoline;

    public override string ToString() => Name;
}
