using HookBench.Native.Kernel;

namespace HookBench.Uprobes;

/// <summary>
/// Makes one system call fail with a chosen errno and passes the others through, so the refusal path
/// (the <see cref="KernelUnavailable"/> line, the cleanup of what was already opened) can be exercised
/// on a machine where the kernel would say yes. Set <see cref="EnvironmentVariable"/> to
/// <c>call:ERRNO</c> (e.g. <c>perf_event_open:EACCES</c>) to do the same to a whole hookbench process;
/// <c>uprobe_pmu:ENOENT</c> makes the process see a host without the uprobe PMU (see <see cref="KernelProbes.ForThisProcess"/>).
/// </summary>
public sealed class RefusingKernelProbeCalls(IKernelProbeCalls inner, KernelCall refused, int errno) : IKernelProbeCalls
{
    public const string EnvironmentVariable = "HOOKBENCH_KERNEL_REFUSE";

    static readonly Dictionary<string, KernelCall> CallNames = new(StringComparer.Ordinal)
    {
        ["bpf"] = KernelCall.Bpf,
        ["perf_event_open"] = KernelCall.PerfEventOpen,
        ["ioctl"] = KernelCall.PerfEventIoctl,
        ["uprobe_pmu"] = KernelCall.UprobePmu,
    };

    public KernelCall Refused { get; } = refused;

    public int ErrorNumber { get; } = errno;

    /// <summary>
    /// <paramref name="inner"/> unchanged when <paramref name="specification"/> is empty or refuses the PMU
    /// lookup (no system call), else wrapped to refuse what it names.
    /// </summary>
    public static IKernelProbeCalls Wrap(IKernelProbeCalls inner, string? specification)
    {
        if (string.IsNullOrWhiteSpace(specification))
            return inner;
        var (call, errno) = Parse(specification);
        return call == KernelCall.UprobePmu ? inner : new RefusingKernelProbeCalls(inner, call, errno);
    }

    /// <summary>Parses <c>call:ERRNO</c>; anything else is a usage error naming the valid choices.</summary>
    public static (KernelCall Call, int Errno) Parse(string specification)
    {
        string[] parts = specification.Trim().Split(':');
        if (parts.Length == 2 && CallNames.TryGetValue(parts[0], out KernelCall call) && Errno.TryParse(parts[1], out int errno))
            return (call, errno);
        throw new UsageException(
            $"{EnvironmentVariable} must be <call>:<errno> with call one of {string.Join(", ", CallNames.Keys)} " +
            $"and errno one of {string.Join(", ", Errno.KnownNames)}; got '{specification}'");
    }

    public SyscallResult BpfMapCreate(uint mapType, uint keySize, uint valueSize, uint maxEntries, string name) =>
        Refused == KernelCall.Bpf ? SyscallResult.Failed(ErrorNumber) : inner.BpfMapCreate(mapType, keySize, valueSize, maxEntries, name);

    public SyscallResult BpfMapLookup(int mapFd, ReadOnlySpan<byte> key, Span<byte> value) =>
        Refused == KernelCall.Bpf ? SyscallResult.Failed(ErrorNumber) : inner.BpfMapLookup(mapFd, key, value);

    public SyscallResult BpfProgLoad(uint programType, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, string name, Span<byte> verifierLog) =>
        Refused == KernelCall.Bpf ? SyscallResult.Failed(ErrorNumber) : inner.BpfProgLoad(programType, instructions, license, kernelVersion, name, verifierLog);

    public SyscallResult PerfEventOpenProbe(uint pmuType, ulong config, string path, ulong offset, int pid, int cpu) =>
        Refused == KernelCall.PerfEventOpen ? SyscallResult.Failed(ErrorNumber) : inner.PerfEventOpenProbe(pmuType, config, path, offset, pid, cpu);

    public SyscallResult PerfEventIoctl(int fd, PerfEventIoctl request, int argument) =>
        Refused == KernelCall.PerfEventIoctl ? SyscallResult.Failed(ErrorNumber) : inner.PerfEventIoctl(fd, request, argument);

    public void Close(int fd) => inner.Close(fd);
}
