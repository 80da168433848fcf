using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// The operating-system calls behind the arena, core sync, thread pinning and perf events; nothing
/// else in HookBench P/Invokes. Linux constants are the x86-64 values (HookBench runs only there).
/// </summary>
internal static partial class NativeMethods
{
    internal const int ProtNone = 0;
    internal const int ProtRead = 1;
    internal const int ProtWrite = 2;
    internal const int ProtExec = 4;
    internal const int MapShared = 0x01;
    internal const int MapPrivate = 0x02;
    internal const int MapFixed = 0x10;
    internal const int MapAnonymousLinux = 0x20;
    internal const int MapNoReserveLinux = 0x4000;
    internal const int MapAnonymousMac = 0x1000;

    // include/uapi/linux/memfd.h
    internal const uint MfdCloexec = 0x0001;
    internal const uint MfdNoexecSeal = 0x0008;

    // arch/x86/entry/syscalls/syscall_64.tbl: glibc has no wrapper for these two.
    internal const nint SysPerfEventOpen = 298;
    internal const nint SysMembarrier = 324;

    // include/uapi/asm-generic/errno-base.h, errno.h
    internal const int Eperm = 1;
    internal const int Enoent = 2;
    internal const int Eacces = 13;
    internal const int Einval = 22;
    internal const int Eopnotsupp = 95;

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

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, out ulong value, nuint count);

    /// <summary>ioctl(2) is variadic; on x86-64 a variadic callee reads integer arguments from the same registers.</summary>
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, nint argument);

    /// <summary>syscall(2), variadic like ioctl; every argument is passed register-wide (sign-extended).</summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5);

    /// <summary>glibc's sigaction(2) wrapper, which fills in sa_restorer (see <see cref="SignalActions"/>).</summary>
    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    internal static unsafe partial int Sigaction(int signal, NativeSigaction* action, NativeSigaction* oldAction);

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
