using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// One contiguous mapping that holds everything a hook set uses: code pages first, then data pages.
/// Keeping it in one mapping keeps every site, trampoline, handler and data slot within ±2 GiB of each
/// other, so sites reach trampolines with <c>call rel32</c> and code reaches data RIP-relatively.
/// Code pages are read-write while code is written and read-execute after <see cref="Seal"/>; patching
/// flips the touched pages to read-write (not executable) and back. Data pages are never executable.
/// Like everything unsafe in HookBench, it lives in the HookBench.Native assembly.
/// </summary>
public sealed unsafe class CodeArena : IDisposable
{
    public const int PageSize = 4096;

    readonly nint _base;
    readonly ulong _mappedLength;
    bool _sealed;
    bool _disposed;

    CodeArena(nint @base, ulong codeLength, ulong dataLength)
    {
        _base = @base;
        CodeLength = codeLength;
        DataLength = dataLength;
        _mappedLength = codeLength + dataLength;
    }

    /// <summary>Raised after each change of page protection (for W^X checks).</summary>
    public event Action<ProtectionChange>? ProtectionChanged;

    public ulong CodeBase => (ulong)_base;
    public ulong CodeLength { get; }
    public ulong DataBase => (ulong)_base + CodeLength;
    public ulong DataLength { get; }
    public bool IsSealed => _sealed;

    /// <summary>Maps a new arena with <paramref name="codeBytes"/> of code and <paramref name="dataBytes"/> of data (rounded up to pages).</summary>
    public static CodeArena Create(int codeBytes = 16 * PageSize, int dataBytes = 4 * PageSize)
    {
        HostPlatform.EnsureSupported();
        ulong code = RoundUp((ulong)codeBytes);
        ulong data = RoundUp((ulong)dataBytes);
        nint mapping = Map(code + data);
        return new CodeArena(mapping, code, data);
    }

    /// <summary>Copies emitted bytes into the code pages; only before <see cref="Seal"/>, while they are read-write.</summary>
    public void WriteCode(ulong address, ReadOnlySpan<byte> bytes)
    {
        ThrowIfDisposed();
        if (_sealed)
            throw new InvalidOperationException("The arena is sealed (read-execute); use Patch to change code.");
        RequireRange(address, bytes.Length, CodeBase, CodeLength, "code");
        bytes.CopyTo(new Span<byte>((void*)address, bytes.Length));
    }

    /// <summary>Makes the code pages read-execute. After this, code changes only through <see cref="Patch"/>.</summary>
    public void Seal()
    {
        ThrowIfDisposed();
        if (_sealed)
            return;
        Protect(CodeBase, CodeLength, PageProtection.ReadExecute);
        _sealed = true;
    }

    /// <summary>
    /// Rewrites code in a sealed arena: the pages holding the bytes become read-write (not executable),
    /// the bytes are written, and the pages return to read-execute. Callers must ensure no thread runs
    /// that code meanwhile (cross-modifying patching is a later concern).
    /// </summary>
    public void Patch(ulong address, ReadOnlySpan<byte> bytes)
    {
        ThrowIfDisposed();
        if (!_sealed)
            throw new InvalidOperationException("Seal the arena before patching it.");
        RequireRange(address, bytes.Length, CodeBase, CodeLength, "code");
        ulong first = address & ~(ulong)(PageSize - 1);
        ulong length = RoundUp(address + (ulong)bytes.Length - first);
        Protect(first, length, PageProtection.ReadWrite);
        try
        {
            bytes.CopyTo(new Span<byte>((void*)address, bytes.Length));
        }
        finally
        {
            Protect(first, length, PageProtection.ReadExecute);
        }
    }

    public byte[] Read(ulong address, int length)
    {
        ThrowIfDisposed();
        RequireRange(address, length, CodeBase, _mappedLength, "arena");
        return new ReadOnlySpan<byte>((void*)address, length).ToArray();
    }

    public ulong ReadUInt64(ulong address)
    {
        ThrowIfDisposed();
        RequireRange(address, 8, CodeBase, _mappedLength, "arena");
        return *(ulong*)address;
    }

    /// <summary>Writes a data slot. Code pages are not writable this way.</summary>
    public void WriteUInt64(ulong address, ulong value)
    {
        ThrowIfDisposed();
        RequireRange(address, 8, DataBase, DataLength, "data");
        *(ulong*)address = value;
    }

    /// <summary>Calls emitted code that follows the host calling convention, takes nothing and returns nothing.</summary>
    public void Invoke(ulong entry)
    {
        RequireExecutable(entry);
        ((delegate* unmanaged<void>)entry)();
    }

    /// <summary>Calls emitted host-convention code taking one integer argument and returning a 64-bit integer.</summary>
    public ulong Invoke(ulong entry, ulong argument)
    {
        RequireExecutable(entry);
        return ((delegate* unmanaged<ulong, ulong>)entry)(argument);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (OperatingSystem.IsWindows())
            NativeMethods.VirtualFree(_base, 0, NativeMethods.MemRelease);
        else
            NativeMethods.Munmap(_base, (nuint)_mappedLength);
    }

    void RequireExecutable(ulong entry)
    {
        ThrowIfDisposed();
        if (!_sealed)
            throw new InvalidOperationException("Seal the arena before running its code (W^X).");
        RequireRange(entry, 1, CodeBase, CodeLength, "code");
    }

    static nint Map(ulong length)
    {
        if (OperatingSystem.IsWindows())
        {
            nint p = NativeMethods.VirtualAlloc(0, (nuint)length, NativeMethods.MemCommitReserve, NativeMethods.PageReadWrite);
            if (p == 0)
                throw new InvalidOperationException($"VirtualAlloc of {length} bytes failed (error {Marshal.GetLastPInvokeError()}).");
            return p;
        }

        int anonymous = OperatingSystem.IsMacOS() ? NativeMethods.MapAnonymousMac : NativeMethods.MapAnonymousLinux;
        nint mapping = NativeMethods.Mmap(0, (nuint)length, NativeMethods.ProtRead | NativeMethods.ProtWrite,
            NativeMethods.MapPrivate | anonymous, -1, 0);
        if (mapping == -1)
            throw new InvalidOperationException($"mmap of {length} bytes failed (errno {Marshal.GetLastPInvokeError()}).");
        return mapping;
    }

    void Protect(ulong address, ulong length, PageProtection protection)
    {
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

    static ulong RoundUp(ulong bytes) => (bytes + PageSize - 1) & ~(ulong)(PageSize - 1);

    static void RequireRange(ulong address, int length, ulong start, ulong size, string what)
    {
        if (length < 0 || address < start || address + (ulong)length > start + size)
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+{length} lies outside the arena's {what} range.");
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
