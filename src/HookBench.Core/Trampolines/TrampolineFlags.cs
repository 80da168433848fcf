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

    /// <summary>
    /// jmp mode (Linux 6.19: 25e4e3565d45, 0c3772a8db1f, 373f2f44c300, 402e44b31e9d): the fentry site jumps to
    /// the trampoline instead of calling it, so the traced function's own return address stays on top and
    /// the trampoline returns straight to the caller with the return-stack buffer balanced. The kernel uses it
    /// for every BPF_TRAMP_F_CALL_ORIG trampoline and then clears BPF_TRAMP_F_SKIP_FRAME
    /// (bpf_trampoline_use_jmp() = CALL_ORIG && !SKIP_FRAME); stack arguments move 8 bytes down
    /// (save_args(): <c>nr_stack_slots * 8 + 16</c> instead of <c>+ 0x18</c>) and the entry RSP is the traced
    /// function's, 8 bytes less aligned than after a call.
    /// </summary>
    JmpEntry = 1 << 6,

    /// <summary>
    /// The entry program is a BPF_MODIFY_RETURN (fmod_ret) program (ae24082331d9, Linux 5.7): its return value,
    /// stored at [rbp-8], skips the traced body when non-zero (<c>cmp qword [rbp-8], 0; jne do_fexit</c>,
    /// invoke_bpf_mod_ret()) and then becomes the traced function's return value.
    /// </summary>
    ModifyReturn = 1 << 7,

    /// <summary>
    /// BPF_TRAMP_F_SHARE_IPMODIFY: another ftrace user (livepatch) modifies the IP of the same function, so the
    /// trampoline must call the original through the return address on its stack (BPF_TRAMP_F_ORIG_STACK,
    /// <c>mov rax, [rbp+8]; call rax</c>, 316cba62dfb7) and cannot use jmp mode: bpf_trampoline_update()
    /// falls back to call mode (402e44b31e9d). See <see cref="TrampolineSpec.Effective"/>.
    /// </summary>
    ShareIpModify = 1 << 8,
}
