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
}
