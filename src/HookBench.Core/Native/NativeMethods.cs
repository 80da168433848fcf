using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>The operating-system calls behind <see cref="CodeArena"/> and thread pinning; kernel probing has its own in Kernel/KernelSyscalls.cs.</summary>
internal static partial class NativeMethods
{
    internal const int ProtRead = 1;
    internal const int ProtWrite = 2;
    internal const int ProtExec = 4;
    internal const int MapPrivate = 0x02;
    internal const int MapAnonymousLinux = 0x20;
    internal const int MapAnonymousMac = 0x1000;

    internal const uint MemCommitReserve = 0x3000;
    internal const uint MemRelease = 0x8000;
    internal const uint PageReadWrite = 0x04;
    internal const uint PageExecuteRead = 0x20;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    internal static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    internal static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint address, nuint length);

    [LibraryImport("kernel32", SetLastError = true)]
    internal static partial nint VirtualAlloc(nint address, nuint size, uint allocationType, uint protect);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool VirtualProtect(nint address, nuint size, uint newProtect, out uint oldProtect);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool VirtualFree(nint address, nuint size, uint freeType);

    [LibraryImport("kernel32")]
    internal static partial nint GetCurrentProcess();

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool FlushInstructionCache(nint process, nint address, nuint size);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static partial int SchedSetAffinity(int pid, nuint cpuSetSize, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    internal static partial int SchedGetAffinity(int pid, nuint cpuSetSize, ref ulong mask);

    [LibraryImport("kernel32")]
    internal static partial nint GetCurrentThread();

    [LibraryImport("kernel32", SetLastError = true)]
    internal static partial nuint SetThreadAffinityMask(nint thread, nuint mask);
}
