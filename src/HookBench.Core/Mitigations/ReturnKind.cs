namespace HookBench.Mitigations;

/// <summary>
/// How every <c>ret</c> on the hook path is compiled. With CONFIG_MITIGATION_RETHUNK the compiler emits
/// <c>jmp __x86_return_thunk</c> (-mfunction-return=thunk-extern) and apply_returns() re-points it at the
/// thunk the kernel chose, <c>x86_return_thunk</c>; JITed code and ftrace trampolines jump straight to that
/// thunk (emit_return() in arch/x86/net/bpf_jit_comp.c, create_trampoline() in arch/x86/kernel/ftrace.c).
/// </summary>
public enum ReturnKind
{
    /// <summary>A plain <c>ret</c> (apply_returns() rewrites the jumps back to <c>ret; int3</c> when no thunk is needed).</summary>
    Ret,

    /// <summary><c>jmp __x86_return_thunk</c>: the out-of-line <c>ret; int3</c> (also what retbleed=unret's and ITS's thunks execute).</summary>
    ReturnThunk,

    /// <summary><c>jmp srso_return_thunk</c>: <c>call srso_safe_ret; ud2</c> / <c>lea rsp, [rsp+8]; ret</c>, SRSO's Safe RET.</summary>
    SrsoThunk,

    /// <summary><c>jmp call_depth_return_thunk</c>: <c>shl</c> the call-depth counter, <c>ret</c> unless it underflowed (then stuff the RSB).</summary>
    CallDepthThunk,
}
