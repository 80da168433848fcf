namespace HookBench.Native;

/// <summary>
/// One reserved range that holds everything a hook set uses: code pages first, then data pages.
/// Keeping it in one range keeps every site, trampoline, handler and data slot within ±2 GiB of each
/// other, so sites reach trampolines with <c>call rel32</c> and code reaches data RIP-relatively.
/// Data pages are read-write and never executable. Code pages depend on <see cref="Backing"/>:
/// <list type="bullet">
/// <item><see cref="ArenaBacking.Anonymous"/>: read-write while code is written, read-execute after
/// <see cref="Seal"/>; <see cref="Patch"/> flips the touched pages to read-write and back.</item>
/// <item><see cref="ArenaBacking.File"/>: a memfd. Threads execute a private mapping of it that is
/// read-only until <see cref="Seal"/> and read-execute after, and never changes again; code is written
/// and patched through a shared read-write alias of the same file (see CodeArena.FileBacked.cs).</item>
/// </list>
/// No mapping is ever writable and executable at once. Like everything unsafe in HookBench, this class
/// lives in the HookBench.Native assembly.
/// </summary>
public sealed unsafe partial class CodeArena : IDisposable
{
    public const int PageSize = 4096;

    /// <summary>Address space a file-backed arena keeps reserved after its data for the kernel's uprobe trampoline (see <see cref="ReleaseTrampolineRoom"/>).</summary>
    public const int TrampolineRoomBytes = 2 * PageSize;

    readonly nint _base;
    readonly ulong _mappedLength;
    readonly CodeFile? _file;
    bool _sealed;
    bool _disposed;
    bool _roomReserved;

    CodeArena(nint @base, ulong codeLength, ulong dataLength, CodeFile? file)
    {
        _base = @base;
        CodeLength = codeLength;
        DataLength = dataLength;
        _mappedLength = codeLength + dataLength;
        _file = file;
    }

    /// <summary>Raised after each change of page protection (for W^X checks).</summary>
    public event Action<ProtectionChange>? ProtectionChanged;

    /// <summary>Raised once, before the pages are unmapped: whoever keeps the arena's addresses forgets them.</summary>
    public event Action<CodeArena>? Disposing;

    public ArenaBacking Backing => _file is null ? ArenaBacking.Anonymous : ArenaBacking.File;
    public ulong CodeBase => (ulong)_base;
    public ulong CodeLength { get; }
    public ulong DataBase => (ulong)_base + CodeLength;
    public ulong DataLength { get; }
    public bool IsSealed => _sealed;

    /// <summary>
    /// Maps a new arena with <paramref name="codeBytes"/> of code and <paramref name="dataBytes"/> of
    /// data (rounded up to pages). <see cref="ArenaBacking.File"/> is Linux-only. A nonzero
    /// <paramref name="addressHint"/> (page-aligned) asks for the arena there; the system may place it
    /// elsewhere when that range is taken.
    /// </summary>
    public static CodeArena Create(int codeBytes = 16 * PageSize, int dataBytes = 4 * PageSize, ArenaBacking backing = ArenaBacking.Anonymous, ulong addressHint = 0)
    {
        if (addressHint % PageSize != 0)
            throw new ArgumentException($"an arena address hint must be page-aligned; got 0x{addressHint:X}", nameof(addressHint));
        HostPlatform.EnsureSupported();
        ulong code = RoundUp((ulong)codeBytes);
        ulong data = RoundUp((ulong)dataBytes);
        return backing switch
        {
            ArenaBacking.Anonymous => new CodeArena(MapAnonymous(code + data, (nint)addressHint), code, data, null),
            ArenaBacking.File => CreateFileBacked(code, data, (nint)addressHint),
            _ => throw new ArgumentOutOfRangeException(nameof(backing), backing, "anonymous or file"),
        };
    }

    /// <summary>Copies emitted bytes into the code pages; only before <see cref="Seal"/>.</summary>
    public void WriteCode(ulong address, ReadOnlySpan<byte> bytes)
    {
        ThrowIfDisposed();
        if (_sealed)
            throw new InvalidOperationException("The arena is sealed (read-execute); use Patch to change code.");
        RequireRange(address, bytes.Length, CodeBase, CodeLength, "code");
        bytes.CopyTo(new Span<byte>(WritablePointer(address), bytes.Length));
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
    /// Rewrites code in a sealed arena. Anonymous: the pages holding the bytes become read-write (not
    /// executable), the bytes are written, and the pages return to read-execute, so no thread may run
    /// that code meanwhile. File-backed: the bytes are written through the alias and the execute view
    /// keeps its protection (see <see cref="PatchAtomic"/> for sites other threads are running).
    /// </summary>
    public void Patch(ulong address, ReadOnlySpan<byte> bytes)
    {
        ThrowIfDisposed();
        if (!_sealed)
            throw new InvalidOperationException("Seal the arena before patching it.");
        RequireRange(address, bytes.Length, CodeBase, CodeLength, "code");
        if (_file is not null)
        {
            PatchThroughAlias(address, bytes);
            return;
        }

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

    /// <summary>Reads code (as threads execute it) or data.</summary>
    public byte[] Read(ulong address, int length)
    {
        ThrowIfDisposed();
        RequireRange(address, length, CodeBase, _mappedLength, "arena");
        return new ReadOnlySpan<byte>((void*)address, length).ToArray();
    }

    /// <summary>
    /// Reads code as it was written and patched through the arena. For a file-backed arena that is what the
    /// memfd holds: where the kernel has a uprobe on a page, the execute view is this process's private copy
    /// with the kernel's int3 (or, optimized, its call) in it, and the file is not (see CodeArena.FileBacked.cs).
    /// Otherwise, and for data, it is <see cref="Read"/>.
    /// </summary>
    public byte[] ReadAsWritten(ulong address, int length)
    {
        byte[] bytes = Read(address, length);
        if (_file is not null && address < CodeBase + CodeLength)
        {
            int inCode = (int)Math.Min((ulong)length, CodeBase + CodeLength - address);
            new ReadOnlySpan<byte>(WritablePointer(address), inCode).CopyTo(bytes);
        }

        return bytes;
    }

    /// <summary>
    /// Reads a slot. Volatile (acquire), like <see cref="WriteUInt64"/> (release): emitted code on other
    /// threads reads and writes the same slots while managed code does, and the order of these accesses
    /// is part of protocols (the patch phase a caller reads before and after a call, a patch table).
    /// </summary>
    public ulong ReadUInt64(ulong address)
    {
        ThrowIfDisposed();
        RequireRange(address, 8, CodeBase, _mappedLength, "arena");
        return Volatile.Read(ref *(ulong*)address);
    }

    /// <summary>Writes a data slot (a release store, see <see cref="ReadUInt64"/>). Code pages are not writable this way.</summary>
    public void WriteUInt64(ulong address, ulong value)
    {
        ThrowIfDisposed();
        RequireRange(address, 8, DataBase, DataLength, "data");
        Volatile.Write(ref *(ulong*)address, value);
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
        Disposing?.Invoke(this);
        _disposed = true;
        Unmap();
        _file?.Dispose();
    }

    /// <summary>Where code at <paramref name="address"/> is written: the address itself, or its alias.</summary>
    byte* WritablePointer(ulong address) => _file is null ? (byte*)address : _file.At(address - CodeBase);

    void RequireExecutable(ulong entry)
    {
        ThrowIfDisposed();
        if (!_sealed)
            throw new InvalidOperationException("Seal the arena before running its code (W^X).");
        RequireRange(entry, 1, CodeBase, CodeLength, "code");
    }

    static ulong RoundUp(ulong bytes) => (bytes + PageSize - 1) & ~(ulong)(PageSize - 1);

    static void RequireRange(ulong address, int length, ulong start, ulong size, string what)
    {
        if (length < 0 || address < start || address + (ulong)length > start + size)
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+{length} lies outside the arena's {what} range.");
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
