using HookBench.Native.Kernel;

namespace HookBench.Tests.Uprobes;

/// <summary>A kernel that says yes to everything and hands out made-up fds, recording which are still open.</summary>
sealed class FakeKernelProbeCalls : IKernelProbeCalls
{
    int _nextFd = 100;

    public HashSet<int> Open { get; } = [];

    public List<string> Calls { get; } = [];

    public SyscallResult BpfMapCreate(uint mapType, uint keySize, uint valueSize, uint maxEntries, string name) => NewFd("map_create");

    public SyscallResult BpfMapLookup(int mapFd, ReadOnlySpan<byte> key, Span<byte> value)
    {
        Calls.Add("map_lookup");
        value.Clear();
        return SyscallResult.Ok(0);
    }

    public SyscallResult BpfProgLoad(uint programType, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, string name, Span<byte> verifierLog) =>
        NewFd("prog_load");

    public SyscallResult PerfEventOpenProbe(uint pmuType, ulong config, string path, ulong offset, int pid, int cpu) => NewFd("perf_event_open");

    public SyscallResult PerfEventIoctl(int fd, PerfEventIoctl request, int argument)
    {
        Calls.Add($"ioctl {request}");
        return SyscallResult.Ok(0);
    }

    public void Close(int fd)
    {
        Calls.Add($"close {fd}");
        if (!Open.Remove(fd))
            throw new InvalidOperationException($"fd {fd} closed twice or never opened");
    }

    SyscallResult NewFd(string call)
    {
        Calls.Add(call);
        Open.Add(_nextFd);
        return SyscallResult.Ok(_nextFd++);
    }
}
