namespace HookBench.Native;

/// <summary>
/// One signal's disposition as <c>sigaction(2)</c> reports it: the handler address (or SIG_DFL = 0,
/// SIG_IGN = 1), the SA_* flags and the mask of signals blocked while the handler runs (1024 bits, as
/// glibc's <c>sigset_t</c>). Managed code only carries it around; emitted code is what runs as a handler.
/// </summary>
public sealed record SignalAction(ulong Handler, ulong Flags, IReadOnlyList<ulong> Mask)
{
    /// <summary>glibc's <c>sigset_t</c>: 1024 bits (sysdeps/unix/sysv/linux/bits/types/__sigset_t.h).</summary>
    public const int MaskWords = 16;

    public const ulong Default = 0;
    public const ulong Ignore = 1;

    // include/uapi/asm-generic/signal-defs.h and arch/x86/include/uapi/asm/signal.h
    public const ulong SaSigInfo = 0x00000004;
    public const ulong SaOnStack = 0x08000000;
    public const ulong SaRestart = 0x10000000;
    public const ulong SaNoDefer = 0x40000000;
    public const ulong SaResetHand = 0x80000000;

    public bool IsDefault => Handler == Default;

    public bool IsIgnored => Handler == Ignore;

    public override string ToString() => Handler switch
    {
        Default => "SIG_DFL",
        Ignore => "SIG_IGN",
        _ => $"handler 0x{Handler:X} (flags 0x{Flags:X})",
    };
}
