namespace HookBench.Trampolines;

/// <summary>
/// Deliberate defects, reachable only from tests, that prove the transparency validator catches a
/// broken trampoline.
/// </summary>
internal enum TrampolineMutation
{
    None,

    /// <summary>The first argument register is not restored after the handler.</summary>
    SkipArgumentRestore,

    /// <summary>Eight extra bytes of stack before the handler call, not reflected in the documented alignment.</summary>
    MisalignStack,

    /// <summary>An arithmetic instruction after the flags were restored.</summary>
    ClobberFlags,

    /// <summary>
    /// The recursion guard is taken and never released: ftrace's list function skips trace_clear_recursion(),
    /// the BPF exit skips <c>this_cpu_dec(*(prog->active))</c>.
    /// </summary>
    SkipRecursionRelease,

    /// <summary>Every callback the hook calls (a matching ftrace op, a BPF program) is called twice.</summary>
    CallCallbackTwice,

    /// <summary>The entry handler is called without its call-depth accounting, leaving the counter unbalanced.</summary>
    SkipCallDepthAccounting,

    /// <summary>A jmp-mode trampoline that keeps the call-mode stack offsets (entry alignment and stack-argument offsets).</summary>
    JmpWithCallOffsets,

    /// <summary>The trampoline's final return goes through a return thunk that pops 8 bytes too many (<c>ret 8</c>).</summary>
    ReturnThunkLeavesRspWrong,
}
