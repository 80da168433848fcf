namespace HookBench.Native.Kernel;

/// <summary>
/// The system calls that put a kernel probe and a BPF program on emitted code, one method per call
/// HookBench makes, so that a test can replace the kernel (a refusal with a chosen errno, say) and
/// everything above it stays the same. Failures come back as an errno, never as an exception.
/// </summary>
public interface IKernelProbeCalls
{
    /// <summary><c>bpf(BPF_MAP_CREATE)</c>: returns the map's fd.</summary>
    SyscallResult BpfMapCreate(uint mapType, uint keySize, uint valueSize, uint maxEntries, string name);

    /// <summary><c>bpf(BPF_MAP_LOOKUP_ELEM)</c>: copies the value stored under <paramref name="key"/> into <paramref name="value"/>.</summary>
    SyscallResult BpfMapLookup(int mapFd, ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>
    /// <c>bpf(BPF_PROG_LOAD)</c>: returns the program's fd. A non-empty <paramref name="verifierLog"/>
    /// asks for the verifier's log (log_level 1) and receives it, NUL-terminated.
    /// </summary>
    SyscallResult BpfProgLoad(uint programType, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, string name, Span<byte> verifierLog);

    /// <summary>
    /// <c>perf_event_open</c> on a probe PMU (uprobe or kprobe): <c>config1</c> points at
    /// <paramref name="path"/>, <c>config2</c> is <paramref name="offset"/>. The event starts disabled.
    /// </summary>
    SyscallResult PerfEventOpenProbe(uint pmuType, ulong config, string path, ulong offset, int pid, int cpu);

    SyscallResult PerfEventIoctl(int fd, PerfEventIoctl request, int argument);

    void Close(int fd);
}
