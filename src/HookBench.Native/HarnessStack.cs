using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>
/// A stack of its own for a timing harness: read-write, never executable, with an inaccessible guard page below it
/// (not on Windows). The harness switches to it for the timed loop so that where the stack sits (its offset in the page, which
/// the kernel randomizes per process for the main thread) is chosen by the placement, not by chance.
/// </summary>
public sealed class HarnessStack : IDisposable
{
    /// <summary>Usable bytes below the lowest top: room for the deepest hook plus a signal frame (xsave state included).</summary>
    public const int UsableBytes = 64 * 1024;

    const int Guard = CodeArena.PageSize;

    /// <summary>Bytes a top may sit below the end of the mapping: one page of 16-byte slots.</summary>
    public const int OffsetRange = CodeArena.PageSize;

    readonly nint _base;
    readonly nuint _length;
    bool _disposed;

    HarnessStack(nint @base, nuint length)
    {
        _base = @base;
        _length = length;
    }

    public static HarnessStack Create()
    {
        HostPlatform.EnsureSupported();
        nuint length = Guard + UsableBytes + OffsetRange;
        nint mapping = ReadWritePages.Map(length, 0, "a harness stack");
        if (!OperatingSystem.IsWindows() && NativeMethods.Mprotect(mapping, Guard, NativeMethods.ProtNone) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            ReadWritePages.Unmap(mapping, length);
            throw new InvalidOperationException($"mprotect of the harness stack's guard page failed (errno {errno}).");
        }

        return new HarnessStack(mapping, length);
    }

    /// <summary>The initial RSP for a stack whose top sits <paramref name="offset"/> bytes (a multiple of 16 below <see cref="OffsetRange"/>) below the end.</summary>
    public ulong Top(int offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || offset >= OffsetRange || offset % 16 != 0)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"a multiple of 16 in 0..{OffsetRange - 16}");
        return (ulong)_base + _length - (ulong)offset;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        ReadWritePages.Unmap(_base, _length);
    }
}
