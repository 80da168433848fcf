namespace HookBench.Trampolines;

/// <summary>
/// What a trampoline does, as flags, the way the kernel's <c>arch_prepare_bpf_trampoline</c> and the
/// ftrace_ops flags describe it. Each named strategy is a preset of these (see Strategies/).
/// </summary>
[Flags]
public enum TrampolineFlags
{
    None = 0,

    /// <summary>pushfq on entry, popfq on exit, regs->flags filled and copied back (ftrace_regs_caller).</summary>
    SaveFlags = 1 << 0,

    /// <summary>The rest of pt_regs: callee-saved registers, r10/r11, CS/SS synthesized (FTRACE_OPS_FL_SAVE_REGS).</summary>
    SaveAllRegisters = 1 << 1,

    /// <summary>regs->ip is copied back to the return slot, so the handler may redirect the call (IPMODIFY, WITH_ARGS).</summary>
    IpModify = 1 << 2,

    /// <summary>Call the traced function's body from the trampoline (BPF_TRAMP_F_CALL_ORIG).</summary>
    CallOriginal = 1 << 3,

    /// <summary>Return straight to the traced function's caller (BPF_TRAMP_F_SKIP_FRAME).</summary>
    SkipFrame = 1 << 4,

    /// <summary>
    /// Pad the stack so the handler is entered with RSP ≡ 8 (mod 16), as a handler compiled for the C ABI
    /// expects. The kernel runs on 8-byte alignment and does not; user-space tools must.
    /// </summary>
    AlignStack = 1 << 5,
}
