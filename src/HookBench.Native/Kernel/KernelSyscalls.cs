using System.Runtime.InteropServices;

namespace HookBench.Native.Kernel;

/// <summary>
/// The libc entry points behind <see cref="LinuxKernelProbeCalls"/> and <see cref="MemfdCodeMapping"/>.
/// glibc wraps neither bpf(2) nor perf_event_open(2), so both go through syscall(2). syscall and ioctl
/// are variadic in C; on x86-64 System V a variadic callee with integer arguments reads them exactly
/// as a fixed-argument one does (AL only counts vector registers), so fixed signatures are safe here.
/// </summary>
internal static partial class KernelSyscalls
{
    // arch/x86/entry/syscalls/syscall_64.tbl
    internal const long SysPerfEventOpen = 298;
    internal const long SysBpf = 321;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall3(long number, long arg1, nint arg2, long arg3);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall5(long number, nint arg1, long arg2, long arg3, long arg4, long arg5);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, ulong request, nint argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int Ftruncate(int fd, long length);
}
