namespace HookBench.Mitigations;

/// <summary>How an indirect call on the hook path is compiled (the kernel's CALL_NOSPEC, arch/x86/include/asm/nospec-branch.h).</summary>
public enum IndirectCallKind
{
    /// <summary><c>call reg</c>: no Spectre v2 software mitigation.</summary>
    Plain,

    /// <summary>
    /// <c>call __x86_indirect_thunk_reg</c>, the retpoline (arch/x86/lib/retpoline.S, RETPOLINE/POLINE):
    /// <c>call 1f; int3; 1: mov [rsp], reg; RET</c>. The return predicts the <c>int3</c> speculation trap and
    /// architecturally goes to the target. Under call-depth tracking the call goes through
    /// <c>__x86_indirect_call_thunk_reg</c> instead, which accounts the call first.
    /// </summary>
    RetpolineThunk,

    /// <summary><c>lfence; call reg</c>: AMD's retpoline,lfence (X86_FEATURE_RETPOLINE_LFENCE, inlined by apply_retpolines).</summary>
    LfenceCall,
}
