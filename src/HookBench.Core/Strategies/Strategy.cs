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

    /// <summary>The kind of site the strategy patches: what its trampoline is entered with (<c>jmp</c> in jmp mode), else the fentry call site.</summary>
    public SiteKind Site { get => _site ?? Trampoline?.EntrySite ?? Rel32Site.FentryCall; init => _site = value; }

    SiteKind? _site;

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

    /// <summary>The trampoline runs the traced body itself (BPF_TRAMP_F_CALL_ORIG).</summary>
    public bool CallsOriginal => Trampoline?.Has(TrampolineFlags.CallOriginal) == true;

    /// <summary>The entry program is an fmod_ret program that may skip the body and set the return value.</summary>
    public bool ModifiesReturn => Trampoline?.Has(TrampolineFlags.ModifyReturn) == true;

    /// <summary>An fexit program runs after the body (a CallOriginal trampoline whose entry program is not fmod_ret).</summary>
    public bool HasExitHandler => CallsOriginal && !ModifiesReturn;

    /// <summary>
    /// Why this strategy cannot use <paramref name="profile"/>, or null. A handler called straight from the
    /// fentry site gets no call-depth accounting: ftrace_call_replace() (arch/x86/kernel/ftrace.c) does not
    /// route fentry calls through call thunks because "the trampoline does the depth accounting itself", and
    /// a C function is no trampoline.
    /// </summary>
    public string? RefusesProfile(Mitigations.MitigationProfile profile) =>
        Route == SiteRoute.Handler && profile.CallDepthAccounting
            ? "the site calls the handler directly, and fentry calls get no call-depth accounting from anyone but a trampoline (ftrace_call_replace(): \"the trampoline does the depth accounting itself\")"
            : null;

    /// <summary>Whether the C-ABI stack-alignment variant exists (it needs a trampoline to pad).</summary>
    public bool SupportsAlignment => Route == SiteRoute.Trampoline;

    public override string ToString() => Name;
}
