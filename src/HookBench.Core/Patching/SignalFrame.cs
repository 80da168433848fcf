namespace HookBench.Patching;

/// <summary>
/// Where a SIGTRAP handler finds what it reads and edits, on Linux x86-64. An SA_SIGINFO handler is
/// entered with rdi = signal number, rsi = <c>siginfo_t *</c>, rdx = <c>ucontext_t *</c>
/// (sigaction(2)); whatever the handler leaves in the ucontext's registers is what the interrupted
/// thread resumes with when the handler returns through rt_sigreturn.
/// </summary>
public static class SignalFrame
{
    /// <summary>
    /// <c>siginfo_t.si_code</c>: after <c>int si_signo</c> and <c>int si_errno</c>
    /// (include/uapi/asm-generic/siginfo.h).
    /// </summary>
    public const int SiCode = 8;

    /// <summary>
    /// si_code of a SIGTRAP raised by an int3 in user mode: the kernel sends it with force_sig, whose
    /// code is SI_KERNEL (arch/x86/kernel/traps.c: do_int3_user → do_trap with no siginfo;
    /// include/uapi/asm-generic/siginfo.h: SI_KERNEL 0x80). kill(2) gives SI_USER, a single step
    /// TRAP_TRACE, a hardware breakpoint TRAP_HWBKPT: none of those is a patch site's int3.
    /// </summary>
    public const int SiKernel = 0x80;

    /// <summary>
    /// <c>uc_mcontext</c> follows <c>uc_flags</c>, <c>uc_link</c> and the 24-byte <c>stack_t uc_stack</c>
    /// (glibc sysdeps/unix/sysv/linux/x86/sys/ucontext.h; the kernel's struct ucontext in
    /// include/uapi/asm-generic/ucontext.h with struct sigcontext_64 from
    /// arch/x86/include/uapi/asm/sigcontext.h has the same layout).
    /// </summary>
    public const int MContext = 40;

    /// <summary>gregs[REG_RSP], REG_RSP = 15: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx come first.</summary>
    public const int Rsp = MContext + 8 * 15;

    /// <summary>gregs[REG_RIP], REG_RIP = 16. After an int3 it holds the address one past the int3.</summary>
    public const int Rip = MContext + 8 * 16;
}
