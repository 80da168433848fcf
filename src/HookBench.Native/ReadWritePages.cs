using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// Anonymous read-write (never executable) pages, the one place that asks the OS for them: an arena's pages before
/// they are sealed, and a timing harness's stack. A hint asks for the pages at an address; the OS may put them
/// elsewhere when that range is taken.
/// </summary>
internal static class ReadWritePages
{
    public static nint Map(ulong length, nint hint, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            nint p = hint == 0 ? 0 : NativeMethods.VirtualAlloc(hint, (nuint)length, NativeMethods.MemCommitReserve, NativeMethods.PageReadWrite);
            if (p == 0)
                p = NativeMethods.VirtualAlloc(0, (nuint)length, NativeMethods.MemCommitReserve, NativeMethods.PageReadWrite);
            if (p == 0)
                throw new InvalidOperationException($"VirtualAlloc of {what} ({length} bytes) failed (error {Marshal.GetLastPInvokeError()}).");
            return p;
        }

        int anonymous = OperatingSystem.IsMacOS() ? NativeMethods.MapAnonymousMac : NativeMethods.MapAnonymousLinux;
        nint mapping = NativeMethods.Mmap(hint, (nuint)length, NativeMethods.ProtRead | NativeMethods.ProtWrite,
            NativeMethods.MapPrivate | anonymous, -1, 0);
        if (mapping == -1)
            throw new InvalidOperationException($"mmap of {what} ({length} bytes) failed (errno {Marshal.GetLastPInvokeError()}).");
        return mapping;
    }

    /// <summary>Releases pages from <see cref="Map"/> (the whole allocation on Windows).</summary>
    public static void Unmap(nint address, ulong length)
    {
        if (OperatingSystem.IsWindows())
            NativeMethods.VirtualFree(address, 0, NativeMethods.MemRelease);
        else
            NativeMethods.Munmap(address, (nuint)length);
    }
}
