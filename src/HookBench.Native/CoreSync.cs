using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// Makes every thread of this process see freshly patched code before the patcher goes on: after
/// <see cref="SerializeAllCores"/> returns, each CPU running one of our threads has executed a
/// core-serializing instruction, which is what the Intel SDM asks of a processor executing code that
/// another processor modified ("Handling Self- and Cross-Modifying Code"). The kernel ends each text
/// patch the same way (arch/x86/kernel/alternative.c: text_poke_sync, an IPI that runs sync_core).
/// </summary>
public static class CoreSync
{
    // include/uapi/linux/membarrier.h
    const int MembarrierCmdPrivateExpeditedSyncCore = 1 << 5;
    const int MembarrierCmdRegisterPrivateExpeditedSyncCore = 1 << 6;

    static readonly Lazy<string?> Registration = new(Register);

    /// <summary>
    /// Null when <c>membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)</c> is registered and used;
    /// otherwise one line saying why not and what is used instead.
    /// </summary>
    public static string? FallbackReason => Registration.Value;

    /// <summary>Serializes every CPU running a thread of this process (see <see cref="FallbackReason"/>).</summary>
    public static void SerializeAllCores()
    {
        if (Registration.Value is null
            && NativeMethods.Syscall(NativeMethods.SysMembarrier, MembarrierCmdPrivateExpeditedSyncCore, 0, 0, 0, 0) == 0)
            return;
        Fallback();
    }

    /// <summary>
    /// A process-wide memory barrier: an IPI to every CPU running one of our threads (membarrier
    /// PRIVATE_EXPEDITED, or a TLB shootdown on older kernels and Windows). A thread interrupted in
    /// user mode returns through IRET, which serializes; one that was in the kernel may return through
    /// SYSRET, which does not. Hence the reason is reported rather than hidden.
    /// </summary>
    static void Fallback() => Interlocked.MemoryBarrierProcessWide();

    static string? Register()
    {
        if (!OperatingSystem.IsLinux())
            return $"membarrier is Linux-only; on {RuntimeInformation.OSDescription} patches end with a process-wide memory barrier (IPIs)";
        // membarrier(2): a process must register its intent before using the SYNC_CORE command (Linux 4.16+).
        if (NativeMethods.Syscall(NativeMethods.SysMembarrier, MembarrierCmdRegisterPrivateExpeditedSyncCore, 0, 0, 0, 0) != 0)
        {
            return $"membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) refused: {Marshal.GetLastPInvokeErrorMessage()} "
                + $"(errno {Marshal.GetLastPInvokeError()}); patches end with a process-wide memory barrier (IPIs) instead";
        }

        return null;
    }
}
