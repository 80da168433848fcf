using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// Reads and replaces a signal's disposition with glibc's <c>sigaction(2)</c>, which also supplies the
/// <c>sa_restorer</c> the kernel returns through (SA_RESTORER, __restore_rt). Linux x86-64 only.
/// This is the only native piece the int3 patcher needs besides membarrier: the handler itself is
/// emitted code (see HookBench.Patching.TrapEmulator), because a signal handler cannot be managed code.
/// </summary>
public static unsafe class SignalActions
{
    /// <summary>arch/x86/include/uapi/asm/signal.h</summary>
    public const int SigTrap = 5;

    /// <summary>The current disposition of <paramref name="signal"/>.</summary>
    public static SignalAction Get(int signal)
    {
        RequireLinux();
        NativeSigaction old;
        if (NativeMethods.Sigaction(signal, null, &old) != 0)
            throw new InvalidOperationException($"sigaction({signal}) could not be read: {LastError()}");
        return ToManaged(in old);
    }

    /// <summary>Installs <paramref name="action"/> for <paramref name="signal"/> and returns the disposition it replaced.</summary>
    public static SignalAction Set(int signal, SignalAction action)
    {
        RequireLinux();
        if (action.Mask.Count != SignalAction.MaskWords)
            throw new ArgumentException($"a signal mask has {SignalAction.MaskWords} words", nameof(action));
        var replacement = new NativeSigaction { Handler = action.Handler, Flags = (int)action.Flags };
        for (int i = 0; i < SignalAction.MaskWords; i++)
            replacement.Mask[i] = action.Mask[i];
        NativeSigaction old;
        if (NativeMethods.Sigaction(signal, &replacement, &old) != 0)
            throw new InvalidOperationException($"sigaction({signal}) refused {action}: {LastError()}");
        return ToManaged(in old);
    }

    static SignalAction ToManaged(in NativeSigaction native)
    {
        var mask = new ulong[SignalAction.MaskWords];
        for (int i = 0; i < mask.Length; i++)
            mask[i] = native.Mask[i];
        // glibc reports SA_RESTORER among the flags; it is glibc's business and it sets it again on install.
        return new SignalAction(native.Handler, (uint)native.Flags & ~NativeSigaction.SaRestorer, mask);
    }

    static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("signal dispositions are handled on Linux only");
    }

    static string LastError() => $"{Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()})";
}

/// <summary>
/// glibc's <c>struct sigaction</c> on x86-64 (sysdeps/unix/sysv/linux/bits/sigaction.h): the handler
/// union at 0, a 128-byte <c>sigset_t</c> at 8, <c>int sa_flags</c> at 136, <c>sa_restorer</c> at 144; 152 bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 152)]
internal unsafe struct NativeSigaction
{
    /// <summary>arch/x86/include/uapi/asm/signal.h: glibc sets it with its own restorer.</summary>
    public const uint SaRestorer = 0x04000000;

    [FieldOffset(0)] public ulong Handler;
    [FieldOffset(8)] public fixed ulong Mask[SignalAction.MaskWords];
    [FieldOffset(136)] public int Flags;
    [FieldOffset(144)] public ulong Restorer;
}
