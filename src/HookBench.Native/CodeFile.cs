using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// The memfd behind a file-backed arena and its writable alias: a <c>MAP_SHARED</c> read-write mapping
/// of the whole file, never executable. Writes through it land in the file's page cache, which the
/// arena's private read-execute view maps too (until the kernel replaces a page of that view with a
/// private copy; see <see cref="CodeArena"/>).
/// </summary>
internal sealed unsafe class CodeFile : IDisposable
{
    const string Name = "hookbench-code";

    CodeFile(int descriptor, nint alias, ulong length)
    {
        Descriptor = descriptor;
        Alias = alias;
        Length = length;
    }

    public int Descriptor { get; }

    /// <summary>Start of the shared read-write mapping: file offset 0.</summary>
    public nint Alias { get; }

    public ulong Length { get; }

    /// <summary>
    /// A path that resolves to the memfd's inode, from this process and from others allowed to read
    /// its /proc entries (the kernel's uprobe PMU looks the path up with kern_path and probes the inode).
    /// </summary>
    public string Path => $"/proc/{Environment.ProcessId}/fd/{Descriptor}";

    public static CodeFile Create(ulong length)
    {
        int fd = NativeMethods.MemfdCreate(Name, NativeMethods.MfdCloexec);
        // With vm.memfd_noexec = 2 the kernel rejects a memfd that is not MFD_NOEXEC_SEAL
        // (Documentation/userspace-api/mfd_noexec.rst). That seal only forbids execve() of the file;
        // mmap(PROT_EXEC) checks the mount (mm/mmap.c: path_noexec), so the code still runs.
        if (fd < 0 && Marshal.GetLastPInvokeError() == NativeMethods.Einval)
            fd = NativeMethods.MemfdCreate(Name, NativeMethods.MfdCloexec | NativeMethods.MfdNoexecSeal);
        if (fd < 0)
            throw new InvalidOperationException($"memfd_create failed: {LastError()}");
        try
        {
            if (NativeMethods.Ftruncate(fd, (long)length) != 0)
                throw new InvalidOperationException($"ftruncate of the code memfd to {length} bytes failed: {LastError()}");
            nint alias = NativeMethods.Mmap(0, (nuint)length, NativeMethods.ProtRead | NativeMethods.ProtWrite,
                NativeMethods.MapShared, fd, 0);
            if (alias == -1)
                throw new InvalidOperationException($"mmap of the code memfd's writable alias failed: {LastError()}");
            return new CodeFile(fd, alias, length);
        }
        catch
        {
            NativeMethods.Close(fd);
            throw;
        }
    }

    /// <summary>The alias address of a file offset.</summary>
    public byte* At(ulong offset) => (byte*)Alias + offset;

    public void Dispose()
    {
        NativeMethods.Munmap(Alias, (nuint)Length);
        NativeMethods.Close(Descriptor);
    }

    static string LastError() => $"{Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()})";
}
