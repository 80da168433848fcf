using System.Runtime.InteropServices;
using System.Text;
using HookBench.Native.Kernel;
using HookBench.Uprobes.Ebpf;

namespace HookBench.Uprobes;

/// <summary>
/// Puts kernel uprobes and BPF programs on emitted code: creates the counter map, loads programs
/// (showing the verifier's log when one is rejected), opens uprobe and uretprobe perf events and
/// attaches programs to them with PERF_EVENT_IOC_SET_BPF, the way libbpf attaches a kprobe-type program
/// to a perf-event-based uprobe. Every refusal comes back as a <see cref="KernelUnavailable"/>
/// explained by <see cref="RefusalDiagnosis"/>; anything else that fails is a bug and throws.
/// </summary>
public sealed class KernelProbes
{
    // include/uapi/linux/bpf.h: enum bpf_map_type, enum bpf_prog_type. Uprobe events run kprobe-type
    // programs (kernel/events/core.c, perf_event_set_bpf_prog refuses any other type with EINVAL).
    const uint BpfMapTypeArray = 2;
    const uint BpfProgTypeKprobe = 2;
    const string License = "GPL";
    const int VerifierLogBytes = 64 * 1024;

    readonly IKernelProbeCalls _calls;
    readonly Func<KernelOutcome<UprobePmu>> _discoverPmu;
    readonly KernelUnavailable? _hostRefusal;

    public KernelProbes(IKernelProbeCalls calls, KernelEnvironment environment, Func<KernelOutcome<UprobePmu>> discoverPmu)
        : this(calls, environment, discoverPmu, null)
    {
    }

    KernelProbes(IKernelProbeCalls calls, KernelEnvironment environment, Func<KernelOutcome<UprobePmu>> discoverPmu, KernelUnavailable? hostRefusal)
    {
        _calls = calls;
        Environment = environment;
        _discoverPmu = discoverPmu;
        _hostRefusal = hostRefusal;
    }

    public KernelEnvironment Environment { get; }

    /// <summary>
    /// The running kernel, as this process sees it; <see cref="RefusingKernelProbeCalls.EnvironmentVariable"/>
    /// can make one call refuse, or (<c>uprobe_pmu:ERRNO</c>) make the uprobe PMU look absent. On anything but
    /// Linux x86-64 every operation is unavailable.
    /// </summary>
    public static KernelProbes ForThisProcess()
    {
        string? refuse = System.Environment.GetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable);
        IKernelProbeCalls calls = RefusingKernelProbeCalls.Wrap(new LinuxKernelProbeCalls(), refuse);
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            var refusal = new KernelUnavailable(RefusalDiagnosis.UprobeFacility,
                $"kernel uprobes with BPF are a Linux x86-64 facility and this is {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}",
                "run on Linux x86-64") { HostLacksIt = true };
            var nowhere = new KernelEnvironment("", -1, 0, null, null, null, 0);
            return new KernelProbes(calls, nowhere, () => refusal, refusal);
        }

        Func<KernelOutcome<UprobePmu>> discover = UprobePmu.Discover;
        if (!string.IsNullOrWhiteSpace(refuse) && RefusingKernelProbeCalls.Parse(refuse) is (KernelCall.UprobePmu, int errno))
        {
            var absent = RefusalDiagnosis.NoUprobePmu(
                $"reading {UprobePmu.SysfsDirectory}/type failed with {Errno.Name(errno)} (simulated: {RefusingKernelProbeCalls.EnvironmentVariable}={refuse.Trim()})");
            discover = () => absent;
        }

        return new KernelProbes(calls, KernelEnvironment.Read(), discover);
    }

    /// <summary>
    /// Why this host cannot run kernel probes at all (not Linux x86-64, no uprobe PMU), or null when it has
    /// them; whether this process may use them is known only by asking the kernel (<see cref="Attach"/>).
    /// </summary>
    public KernelUnavailable? MissingFacility() =>
        _hostRefusal ?? (_discoverPmu() is { IsAvailable: false } pmu ? pmu.Unavailable : null);

    /// <summary>A one-entry array map holding one u64, for <see cref="BpfPrograms.Counter"/>.</summary>
    public KernelOutcome<BpfArrayMap> CreateCounterMap()
    {
        if (_hostRefusal is not null)
            return _hostRefusal;
        SyscallResult result = _calls.BpfMapCreate(BpfMapTypeArray, sizeof(uint), sizeof(ulong), 1, "hookbench_hits");
        if (!result.Succeeded)
            return Refusal(KernelCall.Bpf, "bpf(BPF_MAP_CREATE) of a 1-entry u64 array", result.Errno);
        return new BpfArrayMap(_calls, result.Fd);
    }

    /// <summary>
    /// Loads <paramref name="program"/> as BPF_PROG_TYPE_KPROBE under the GPL license. A failed load is
    /// retried with the verifier's log (libbpf does the same); a rejection throws
    /// <see cref="BpfVerifierException"/> with that log, a refusal is returned.
    /// </summary>
    public KernelOutcome<LoadedBpfProgram> Load(BpfProgram program)
    {
        if (_hostRefusal is not null)
            return _hostRefusal;
        byte[] code = program.ToBytes();
        SyscallResult result = _calls.BpfProgLoad(BpfProgTypeKprobe, code, License, Environment.VersionCode, program.Name, []);
        if (result.Succeeded)
            return new LoadedBpfProgram(_calls, result.Fd, program.Name);

        var log = new byte[VerifierLogBytes];
        SyscallResult logged = _calls.BpfProgLoad(BpfProgTypeKprobe, code, License, Environment.VersionCode, program.Name, log);
        if (logged.Succeeded)
            return new LoadedBpfProgram(_calls, logged.Fd, program.Name);
        string text = VerifierText(log);
        if (text.Length > 0)
            throw new BpfVerifierException(program.Name, logged.Errno, text);
        return Refusal(KernelCall.Bpf, $"bpf(BPF_PROG_LOAD) of kprobe-type program '{program.Name}'", logged.Errno);
    }

    /// <summary>A disabled uprobe (or uretprobe) perf event on <paramref name="site"/> for this process.</summary>
    public KernelOutcome<UprobeEvent> OpenUprobe(UprobeSite site, ProbeKind kind)
    {
        if (_hostRefusal is not null)
            return _hostRefusal;
        KernelOutcome<UprobePmu> pmu = _discoverPmu();
        if (!pmu.IsAvailable)
            return pmu.Unavailable!;
        // pid = this process (its thread-group leader, which lives as long as the process), cpu = any:
        // the kernel filters uprobe hits by mm (kernel/trace/trace_uprobe.c, uprobe_perf_filter), so
        // every thread of this process hits the probe and no other process does.
        SyscallResult result = _calls.PerfEventOpenProbe(pmu.Value.Type, pmu.Value.Config(kind), site.Path, site.Offset, System.Environment.ProcessId, -1);
        string probe = kind == ProbeKind.Return ? "uretprobe" : "uprobe";
        if (!result.Succeeded)
            return Refusal(KernelCall.PerfEventOpen, $"perf_event_open({probe} on {site})", result.Errno);
        return new UprobeEvent(_calls, result.Fd, site, kind);
    }

    /// <summary>PERF_EVENT_IOC_SET_BPF: runs <paramref name="program"/> on every hit of <paramref name="probe"/>.</summary>
    public KernelUnavailable? AttachProgram(UprobeEvent probe, LoadedBpfProgram program) =>
        Ioctl(probe, PerfEventIoctl.SetBpf, program.Fd, "PERF_EVENT_IOC_SET_BPF");

    /// <summary>PERF_EVENT_IOC_ENABLE.</summary>
    public KernelUnavailable? Enable(UprobeEvent probe) =>
        Ioctl(probe, PerfEventIoctl.Enable, 0, "PERF_EVENT_IOC_ENABLE");

    /// <summary>
    /// The whole sequence: map (for the counter), program, perf event, SET_BPF, ENABLE. On a refusal
    /// everything already opened is closed again and the refusal is returned.
    /// </summary>
    public KernelOutcome<KernelProbeAttachment> Attach(UprobeSite site, ProbeKind kind, ProbeProgram program)
    {
        var opened = new Stack<IDisposable>();
        try
        {
            BpfArrayMap? counter = null;
            BpfProgram? code = null;
            switch (program)
            {
                case ProbeProgram.None:
                    break;
                case ProbeProgram.Empty:
                    code = BpfPrograms.Empty();
                    break;
                case ProbeProgram.Counter:
                    var map = CreateCounterMap();
                    if (!map.IsAvailable)
                        return map.Unavailable!;
                    counter = map.Value;
                    opened.Push(counter);
                    code = BpfPrograms.Counter(counter.Fd);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(program), program, "None, Empty or Counter");
            }

            LoadedBpfProgram? loaded = null;
            if (code is not null)
            {
                var load = Load(code);
                if (!load.IsAvailable)
                    return load.Unavailable!;
                loaded = load.Value;
                opened.Push(loaded);
            }

            var open = OpenUprobe(site, kind);
            if (!open.IsAvailable)
                return open.Unavailable!;
            UprobeEvent probe = open.Value;
            opened.Push(probe);

            if (loaded is not null && AttachProgram(probe, loaded) is { } refusedAttach)
                return refusedAttach;
            if (Enable(probe) is { } refusedEnable)
                return refusedEnable;

            opened.Clear();
            return new KernelProbeAttachment(probe, program, loaded, counter);
        }
        finally
        {
            while (opened.Count > 0)
                opened.Pop().Dispose();
        }
    }

    KernelUnavailable? Ioctl(UprobeEvent probe, PerfEventIoctl request, int argument, string name)
    {
        SyscallResult result = _calls.PerfEventIoctl(probe.Fd, request, argument);
        return result.Succeeded ? null : Refusal(KernelCall.PerfEventIoctl, $"ioctl({name}) on the {probe.Site} perf event", result.Errno);
    }

    KernelUnavailable Refusal(KernelCall call, string operation, int errno) =>
        RefusalDiagnosis.Explain(call, operation, errno, Environment)
        ?? throw new InvalidOperationException($"{operation} failed with {Errno.Name(errno)}.");

    static string VerifierText(byte[] log)
    {
        int end = Array.IndexOf(log, (byte)0);
        return Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).TrimEnd();
    }
}
