using System.Buffers.Binary;
using HookBench.Native.Kernel;

namespace HookBench.Uprobes;

/// <summary>A BPF array map of u64 values keyed by u32 index, owned through its file descriptor.</summary>
public sealed class BpfArrayMap : IDisposable
{
    readonly IKernelProbeCalls _calls;
    bool _disposed;

    internal BpfArrayMap(IKernelProbeCalls calls, int fd)
    {
        _calls = calls;
        Fd = fd;
    }

    public int Fd { get; }

    /// <summary>The value at <paramref name="key"/>, read with BPF_MAP_LOOKUP_ELEM.</summary>
    public ulong ReadUInt64(int key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> keyBytes = stackalloc byte[sizeof(uint)];
        Span<byte> value = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteInt32LittleEndian(keyBytes, key);
        SyscallResult result = _calls.BpfMapLookup(Fd, keyBytes, value);
        if (!result.Succeeded)
            throw new InvalidOperationException($"BPF_MAP_LOOKUP_ELEM of key {key} in map fd {Fd} failed with {Errno.Name(result.Errno)}.");
        return BinaryPrimitives.ReadUInt64LittleEndian(value);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _calls.Close(Fd);
    }
}
