namespace HookBench.Uprobes;

/// <summary>The system calls kernel probing makes, as a refusal names them.</summary>
public enum KernelCall
{
    /// <summary>bpf(2): map creation, program load, map lookup.</summary>
    Bpf,

    /// <summary>perf_event_open(2) on the uprobe PMU.</summary>
    PerfEventOpen,

    /// <summary>ioctl(2) on the perf event: SET_BPF and ENABLE.</summary>
    PerfEventIoctl,

    /// <summary>Reading the uprobe PMU's type from sysfs (/sys/bus/event_source/devices/uprobe/type): a refusal here means the host has no uprobe PMU.</summary>
    UprobePmu,
}
