using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>Mapping, protecting and unmapping an arena's pages (mmap/mprotect, VirtualAlloc/VirtualProtect).</summary>
public sealed unsafe partial class CodeArena
{
    /// <summary>One read-write mapping for code and data; code becomes read-execute when sealed.</summary>
    static nint MapAnonymous(ulong length, nint hint) => ReadWritePages.Map(length, hint, "an arena");

    /// <summary>
    /// Reserves code + data + <see cref="TrampolineRoomBytes"/> with one inaccessible anonymous mapping (so
    /// nothing else can land between them and call rel32 / RIP-relative operands reach), then maps the
    /// pieces into it with MAP_FIXED: the execute view, a <c>MAP_PRIVATE</c> read-only mapping of the memfd,
    /// and anonymous read-write data; the room after the data stays reserved until
    /// <see cref="ReleaseTrampolineRoom"/>. The view is private because the kernel puts uprobes only on
    /// mappings that cannot be shared (kernel/events/uprobes.c: valid_vma refuses VM_MAYSHARE); the
    /// writable alias is the memfd's shared mapping, elsewhere in the address space (it is never executed).
    /// </summary>
    static CodeArena CreateFileBacked(ulong code, ulong data, nint hint)
    {
        if (!OperatingSystem.IsLinux())
            throw new UsageException($"arena backing 'file' needs Linux (memfd_create, uprobes); valid backing on {RuntimeInformation.OSDescription}: anonymous");
        var file = CodeFile.Create(code);
        nint reserved = -1;
        try
        {
            reserved = NativeMethods.Mmap(hint, (nuint)(code + data + TrampolineRoomBytes), NativeMethods.ProtNone,
                NativeMethods.MapPrivate | NativeMethods.MapAnonymousLinux | NativeMethods.MapNoReserveLinux, -1, 0);
            if (reserved == -1)
                throw new InvalidOperationException($"reserving {code + data + TrampolineRoomBytes} bytes failed (errno {Marshal.GetLastPInvokeError()}).");
            MapFixed(reserved, code, NativeMethods.ProtRead, NativeMethods.MapPrivate, file.Descriptor, "the code memfd's execute view");
            MapFixed(reserved + (nint)code, data, NativeMethods.ProtRead | NativeMethods.ProtWrite,
                NativeMethods.MapPrivate | NativeMethods.MapAnonymousLinux, -1, "the data pages");
            return new CodeArena(reserved, code, data, file) { _roomReserved = true };
        }
        catch
        {
            if (reserved != -1)
                NativeMethods.Munmap(reserved, (nuint)(code + data + TrampolineRoomBytes));
            file.Dispose();
            throw;
        }
    }

    static void MapFixed(nint address, ulong length, int protection, int flags, int fd, string what)
    {
        nint mapped = NativeMethods.Mmap(address, (nuint)length, protection, flags | NativeMethods.MapFixed, fd, 0);
        if (mapped != address)
            throw new InvalidOperationException($"mmap of {what} at 0x{address:X} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    void Protect(ulong address, ulong length, PageProtection protection)
    {
        // A file-backed arena's execute view only ever gains execute permission (at Seal): making a
        // private file mapping writable would also give this process a private copy of each page written.
        if (_file is not null && protection != PageProtection.ReadExecute)
            throw new InvalidOperationException("A file-backed arena's execute view never becomes writable; code is written through its alias.");
        if (OperatingSystem.IsWindows())
        {
            uint flags = protection == PageProtection.ReadExecute ? NativeMethods.PageExecuteRead : NativeMethods.PageReadWrite;
            if (!NativeMethods.VirtualProtect((nint)address, (nuint)length, flags, out _))
                throw new InvalidOperationException($"VirtualProtect failed (error {Marshal.GetLastPInvokeError()}).");
            if (protection == PageProtection.ReadExecute)
                NativeMethods.FlushInstructionCache(NativeMethods.GetCurrentProcess(), (nint)address, (nuint)length);
        }
        else
        {
            int flags = protection == PageProtection.ReadExecute
                ? NativeMethods.ProtRead | NativeMethods.ProtExec
                : NativeMethods.ProtRead | NativeMethods.ProtWrite;
            if (NativeMethods.Mprotect((nint)address, (nuint)length, flags) != 0)
                throw new InvalidOperationException($"mprotect failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        ProtectionChanged?.Invoke(new ProtectionChange(address, length, protection));
    }

    /// <summary>Whether the room after the data is still reserved (file-backed arenas, until <see cref="ReleaseTrampolineRoom"/>).</summary>
    public bool TrampolineRoomReserved => _roomReserved;

    /// <summary>
    /// Unmaps the reserved room after a file-backed arena's data so the kernel can put its uprobe
    /// trampoline there; call it just before a uprobe on a nop5 in this arena is first hit (any later
    /// mmap of the process may take the gap). Linux 6.18 rewrites a probed nop5 into a call to a
    /// per-process <c>[uprobes-trampoline]</c> page after the first hit, and it looks for that page within
    /// ±2 GB of the site (arch/x86/kernel/uprobes.c: find_nearest_page, ba2bfc97b462); a .NET process's
    /// reservations often leave no free page there, and then the probe stays an int3 for good
    /// (ARCH_UPROBE_FLAG_OPTIMIZE_FAIL). Without the room 37 of 40 probes were optimized here, with it 80 of 80.
    /// A second call does nothing.
    /// </summary>
    public void ReleaseTrampolineRoom()
    {
        ThrowIfDisposed();
        RequireFile();
        if (!_roomReserved)
            return;
        if (NativeMethods.Munmap(_base + (nint)_mappedLength, TrampolineRoomBytes) != 0)
            throw new InvalidOperationException($"munmap of the uprobe trampoline room failed (errno {Marshal.GetLastPInvokeError()}).");
        _roomReserved = false;
    }

    void Unmap()
    {
        if (OperatingSystem.IsWindows())
        {
            NativeMethods.VirtualFree(_base, 0, NativeMethods.MemRelease);
            return;
        }

        // Once released, the room is the kernel's: its [uprobes-trampoline] may live there, and stays mapped
        // for the life of the process (other probed arenas within reach reuse it).
        NativeMethods.Munmap(_base, (nuint)(_mappedLength + (_roomReserved ? (ulong)TrampolineRoomBytes : 0)));
    }
}
