using Iced.Intel;

namespace HookBench.Abi;

/// <summary>
/// x86-64 <c>struct pt_regs</c>: 21 qwords, 168 bytes (arch/x86/include/asm/ptrace.h; offsets from
/// arch/x86/include/uapi/asm/ptrace-abi.h, <c>#define FRAME_SIZE 168</c>). ftrace builds it on the stack;
/// since v5.11 <c>struct ftrace_regs</c> wraps the same layout.
/// </summary>
public static class PtRegs
{
    public const int R15 = 0, R14 = 8, R13 = 16, R12 = 24, Rbp = 32, Rbx = 40, R11 = 48, R10 = 56;
    public const int R9 = 64, R8 = 72, Rax = 80, Rcx = 88, Rdx = 96, Rsi = 104, Rdi = 112;
    public const int OrigRax = 120, Rip = 128, Cs = 136, Eflags = 144, Rsp = 152, Ss = 160;
    public const int Size = 168;

    /// <summary>__KERNEL_CS and __KERNEL_DS on x86-64 (GDT entries 2 and 3), which ftrace_regs_caller synthesizes.</summary>
    public const ulong KernelCs = 0x10, KernelDs = 0x18;

    public static int OffsetOf(Register register) => register switch
    {
        Register.R15 => R15, Register.R14 => R14, Register.R13 => R13, Register.R12 => R12,
        Register.RBP => Rbp, Register.RBX => Rbx, Register.R11 => R11, Register.R10 => R10,
        Register.R9 => R9, Register.R8 => R8, Register.RAX => Rax, Register.RCX => Rcx,
        Register.RDX => Rdx, Register.RSI => Rsi, Register.RDI => Rdi,
        _ => throw new ArgumentOutOfRangeException(nameof(register), register, "pt_regs has no slot for it"),
    };

    /// <summary>The registers <c>save_mcount_regs</c> stores, in the kernel's order (ftrace_64.S).</summary>
    public static IReadOnlyList<Register> MinimalSaveOrder { get; } =
        [Register.RAX, Register.RCX, Register.RDX, Register.RSI, Register.RDI, Register.R8, Register.R9];

    /// <summary>"Save the rest of pt_regs" in ftrace_regs_caller's order.</summary>
    public static IReadOnlyList<Register> RestSaveOrder { get; } =
        [Register.R15, Register.R14, Register.R13, Register.R12, Register.R11, Register.R10, Register.RBX];

    /// <summary>What ftrace_regs_caller restores from the rest; R11 is saved but not restored.</summary>
    public static IReadOnlyList<Register> RestRestoreOrder { get; } =
        [Register.R15, Register.R14, Register.R13, Register.R12, Register.R10, Register.RBX];
}
