namespace HookBench.Uprobes;

/// <summary>
/// Why a kernel facility cannot be used here, as one line: which facility, why (the refusing call,
/// its errno and the setting behind it), and how to enable it.
/// </summary>
/// <param name="Facility">What is unavailable, e.g. "kernel uprobes".</param>
/// <param name="Reason">Why: the call, the errno and what in this process or kernel explains it.</param>
/// <param name="Remedy">What to change: a sysctl, a capability, a kernel option.</param>
/// <param name="Errno">The errno that said no, when a system call did.</param>
public sealed record KernelUnavailable(string Facility, string Reason, string Remedy, int? Errno = null)
{
    /// <summary>
    /// The host has no such facility at all (no uprobe PMU, no bpf() or perf events in the kernel, not Linux
    /// x86-64), as opposed to refusing it to this process: asking for it by name is then bad input.
    /// </summary>
    public bool HostLacksIt { get; init; }

    public string Line => $"{Facility} unavailable: {Reason}; to enable: {Remedy}";

    public override string ToString() => Line;
}
