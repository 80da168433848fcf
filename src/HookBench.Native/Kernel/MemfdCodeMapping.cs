using System.Runtime.InteropServices;

namespace HookBench.Native.Kernel;

/// <summary>
/// Code in a memfd, mapped twice: a private read-execute view that runs it and a shared read-write
/// alias that wrote it, never one mapping that is both. A kernel uprobe needs this shape: it attaches to
/// an inode and offset, and only in mappings that cannot be shared (kernel/events/uprobes.c, valid_vma
/// refuses VM_MAYSHARE), so anonymous arena memory cannot be probed and the shared alias is never
/// touched. Installing a breakpoint gives the probed process a private copy of the page
/// (uprobe_write_opcode), which is why code is written before any probe goes on.
/// The execute view is followed by <see cref="TrampolineRoomBytes"/> of reserved (PROT_NONE) address
/// space that <see cref="FreeTrampolineRoom"/> unmaps just before a probe's first hit: Linux 6.18 puts the
/// trampoline an optimized nop5 calls in a free page within ±2 GB of the site (arch/x86/kernel/uprobes.c,
/// find_nearest_page needs a two-page gap), and in a .NET process the runtime's reservations often leave
/// none, in which case the probe is marked ARCH_UPROBE_FLAG_OPTIMIZE_FAIL and stays an int3 for good.
/// This is the kernel-probe tests' stand-in for CodeArena's file-backed mode; it goes when that lands.
/// </summary>
public sealed unsafe class MemfdCodeMapping : IDisposable
{
    // include/uapi/linux/memfd.h. MFD_EXEC (Linux 6.3) says the file may be mapped executable even where
    // vm.memfd_noexec would otherwise seal it; older kernels refuse the unknown flag with EINVAL.
    const uint MfdCloexec = 0x0001;
    const uint MfdExec = 0x0010;
    const int Einval = 22;
    const int MapShared = 0x01;
    const int MapFixed = 0x10;
    const int ProtNone = 0;

    /// <summary>Address space kept free (reserved until <see cref="FreeTrampolineRoom"/>) right after the execute view.</summary>
    public const int TrampolineRoomBytes = 2 * CodeArena.PageSize;

    readonly int _fd;
    readonly nint _view;
    readonly nint _alias;
    bool _roomFreed;
    bool _disposed;

    MemfdCodeMapping(int fd, nint view, nint alias, int length)
    {
        _fd = fd;
        _view = view;
        _alias = alias;
        Length = length;
    }

    /// <summary>Where the code runs: the private read-execute view.</summary>
    public ulong ExecuteBase => (ulong)_view;

    /// <summary>The shared read-write alias of the same file pages.</summary>
    public ulong WritableAlias => (ulong)_alias;

    public int Length { get; }

    /// <summary>A path to the memfd's inode that perf_event_open's uprobe_path can resolve (a /proc fd link).</summary>
    public string Path => $"/proc/{Environment.ProcessId}/fd/{_fd}";

    public static MemfdCodeMapping Create(string name, ReadOnlySpan<byte> code)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("memfd mappings are Linux-only");
        int length = (code.Length + CodeArena.PageSize - 1) & ~(CodeArena.PageSize - 1);
        length = Math.Max(length, CodeArena.PageSize);
        int fd = KernelSyscalls.MemfdCreate(name, MfdCloexec | MfdExec);
        if (fd < 0 && Marshal.GetLastPInvokeError() == Einval)
            fd = KernelSyscalls.MemfdCreate(name, MfdCloexec);
        if (fd < 0)
            throw new InvalidOperationException($"memfd_create failed (errno {Marshal.GetLastPInvokeError()}).");
        nint alias = -1, view = -1;
        try
        {
            if (KernelSyscalls.Ftruncate(fd, length) != 0)
                throw new InvalidOperationException($"ftruncate of the memfd failed (errno {Marshal.GetLastPInvokeError()}).");
            alias = Map(0, length, NativeMethods.ProtRead | NativeMethods.ProtWrite, MapShared, fd, "shared read-write alias");
            code.CopyTo(new Span<byte>((void*)alias, code.Length));
            // Reserve view + room, then put the view over the start of the reservation.
            view = Map(0, length + TrampolineRoomBytes, ProtNone, NativeMethods.MapPrivate | NativeMethods.MapAnonymousLinux, -1, "reservation");
            Map(view, length, NativeMethods.ProtRead | NativeMethods.ProtExec, NativeMethods.MapPrivate | MapFixed, fd, "private read-execute view");
            return new MemfdCodeMapping(fd, view, alias, length);
        }
        catch
        {
            if (view != -1)
                NativeMethods.Munmap(view, (nuint)(length + TrampolineRoomBytes));
            if (alias != -1)
                NativeMethods.Munmap(alias, (nuint)length);
            KernelSyscalls.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// Unmaps the reserved pages after the execute view so the kernel can place its uprobe trampoline
    /// there; call it just before a nop5 probe's first hit (another mmap may take the gap later).
    /// </summary>
    public void FreeTrampolineRoom()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roomFreed)
            return;
        _roomFreed = true;
        NativeMethods.Munmap(_view + Length, TrampolineRoomBytes);
    }

    /// <summary>What the execute view holds now (after a probe went on, the kernel's private copy).</summary>
    public byte[] ReadExecuteView(int offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || length < 0 || offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{offset}+{length} lies outside the {Length}-byte mapping.");
        return new ReadOnlySpan<byte>((void*)(_view + offset), length).ToArray();
    }

    /// <summary>What the file holds, through the shared alias: the kernel never writes breakpoints here.</summary>
    public byte[] ReadFile(int offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || length < 0 || offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{offset}+{length} lies outside the {Length}-byte mapping.");
        return new ReadOnlySpan<byte>((void*)(_alias + offset), length).ToArray();
    }

    /// <summary>
    /// Writes the file through the shared alias. The execute view sees it only on pages the kernel has
    /// never probed: a probe's page becomes a private copy and stays one after the probe is gone.
    /// </summary>
    public void WriteFile(int offset, ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || offset + bytes.Length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{offset}+{bytes.Length} lies outside the {Length}-byte mapping.");
        bytes.CopyTo(new Span<byte>((void*)(_alias + offset), bytes.Length));
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        // After FreeTrampolineRoom the kernel may have put its trampoline in the room; it must stay mapped.
        NativeMethods.Munmap(_view, (nuint)(_roomFreed ? Length : Length + TrampolineRoomBytes));
        NativeMethods.Munmap(_alias, (nuint)Length);
        KernelSyscalls.Close(_fd);
    }

    static nint Map(nint address, int length, int protection, int flags, int fd, string what)
    {
        nint mapping = NativeMethods.Mmap(address, (nuint)length, protection, flags, fd, 0);
        if (mapping == -1)
            throw new InvalidOperationException($"mmap of the memfd's {what} failed (errno {Marshal.GetLastPInvokeError()}).");
        return mapping;
    }
}
