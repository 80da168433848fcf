namespace HookBench.Uprobes;

/// <summary>
/// Which instruction of the target a kernel probe is put on. The kernel decodes the probed instruction
/// when the probe is registered and picks how to get past it on every hit (arch/x86/kernel/uprobes.c,
/// arch_uprobe_analyze_insn): emulate it in the trap handler, or copy it to the per-process XOL page and
/// single-step it there, or (6.18, ba2bfc97b462) rewrite a nop5 into a call that enters the kernel by a
/// system call instead of a trap.
/// </summary>
public enum ProbedInstruction
{
    /// <summary>
    /// The target's nop5 site. Its first hit traps (int3), then, from Linux 6.18,
    /// arch_uprobe_optimize rewrites it into <c>call</c> to the per-process <c>[uprobes-trampoline]</c> page,
    /// which enters the kernel with the <c>uprobe</c> system call on every later hit.
    /// </summary>
    Site,

    /// <summary>
    /// <c>push rbp</c>, the first instruction of a frame-pointer prologue: the kernel emulates a push of a
    /// register in the int3 handler (push_setup_xol_ops), so every hit costs one trap.
    /// </summary>
    FramePush,

    /// <summary>
    /// A RIP-relative <c>lea</c> in the body: nothing emulates it, so every hit traps, runs a copy of it
    /// single-stepped on the XOL page (with its RIP-relative operand rewritten to a scratch register,
    /// riprel_pre_xol), and traps again on the debug exception.
    /// </summary>
    BodyLea,
}
