using System.Buffers.Binary;
using HookBench.Native.Kernel;

namespace HookBench.Tests.Uprobes;

/// <summary>The real kernel, except that every BPF map lookup reads one more than the map holds: a counter that lost its exactness.</summary>
sealed class MiscountingKernelProbeCalls : IKernelProbeCalls
{
    readonly LinuxKernelProbeCalls _kernel = new();

    public SyscallResult BpfMapCreate(uint mapType, uint keySize, uint valueSize, uint maxEntries, string name) =>
        _kernel.BpfMapCreate(mapType, keySize, valueSize, maxEntries, name);

    public SyscallResult BpfMapLookup(int mapFd, ReadOnlySpan<byte> key, Span<byte> value)
    {
        var result = _kernel.BpfMapLookup(mapFd, key, value);
        if (result.Succeeded)
            BinaryPrimitives.WriteUInt64LittleEndian(value, BinaryPrimitives.ReadUInt64LittleEndian(value) + 1);
        return result;
    }

    public SyscallResult BpfProgLoad(uint programType, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, string name, Span<byte> verifierLog) =>
        _kernel.BpfProgLoad(programType, instructions, license, kernelVersion, name, verifierLog);

    public SyscallResult PerfEventOpenProbe(uint pmuType, ulong config, string path, ulong offset, int pid, int cpu) =>
        _kernel.PerfEventOpenProbe(pmuType, config, path, offset, pid, cpu);

    public SyscallResult PerfEventIoctl(int fd, PerfEventIoctl request, int argument) => _kernel.PerfEventIoctl(fd, request, argument);

    public void Close(int fd) => _kernel.Close(fd);
}
