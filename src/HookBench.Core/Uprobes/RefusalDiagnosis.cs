namespace HookBench.Uprobes;

/// <summary>
/// Turns a refused system call into a <see cref="KernelUnavailable"/> line: which facility, which call
/// said no with which errno, what in this process or kernel explains it, and what to change. The rules
/// follow the kernel's own checks: perf_uprobe_event_init (kernel/events/core.c) wants CAP_SYS_ADMIN
/// again since 6.16 (ba677dbe "perf: Revert to requiring CAP_SYS_ADMIN for uprobes"; CAP_PERFMON was
/// enough from 5.8); bpf_prog_load (kernel/bpf/syscall.c) wants CAP_BPF for anything but socket filters
/// and CAP_PERFMON for tracing types such as BPF_PROG_TYPE_KPROBE.
/// </summary>
public static class RefusalDiagnosis
{
    public const string UprobeFacility = "kernel uprobes";
    public const string BpfFacility = "BPF programs on kernel probes";

    /// <summary>The line for a refusal, or null when <paramref name="errno"/> is not one (a bad argument, a bug).</summary>
    public static KernelUnavailable? Explain(KernelCall call, string operation, int errno, KernelEnvironment environment)
    {
        string facility = call == KernelCall.PerfEventOpen ? UprobeFacility : BpfFacility;
        string refused = $"{operation} failed with {Errno.Name(errno)}";

        if (errno == Errno.ENOSYS)
        {
            return call == KernelCall.Bpf
                ? new(facility, $"{refused}: this kernel has no bpf() system call", "a kernel built with CONFIG_BPF_SYSCALL=y", errno) { HostLacksIt = true }
                : new(facility, $"{refused}: this kernel has no perf events", "a kernel built with CONFIG_PERF_EVENTS=y and CONFIG_UPROBE_EVENTS=y", errno) { HostLacksIt = true };
        }

        if (call == KernelCall.PerfEventOpen && errno is Errno.ENOENT or Errno.ENODEV)
            return NoUprobePmu($"{refused}: the kernel does not know the uprobe PMU type");

        if (errno is not (Errno.EPERM or Errno.EACCES))
            return null;

        if (environment.SeccompMode == 2)
        {
            return new(facility,
                $"{refused} and this process runs under a seccomp filter (Seccomp: 2 in /proc/self/status), the way container runtimes' default profiles block bpf and perf_event_open",
                "run with a seccomp profile that allows bpf and perf_event_open (docker: --security-opt seccomp=unconfined) and with CAP_SYS_ADMIN (docker: --cap-add SYS_ADMIN)",
                errno);
        }

        return call == KernelCall.PerfEventOpen
            ? ExplainPerfRefusal(refused, errno, environment)
            : ExplainBpfRefusal(refused, errno, environment);
    }

    /// <summary>The line when /sys/bus/event_source/devices/uprobe is missing or unreadable.</summary>
    public static KernelUnavailable NoUprobePmu(string reason) =>
        new(UprobeFacility, reason, "a kernel built with CONFIG_UPROBES=y and CONFIG_UPROBE_EVENTS=y, with sysfs mounted at /sys") { HostLacksIt = true };

    static KernelUnavailable ExplainPerfRefusal(string refused, int errno, KernelEnvironment environment)
    {
        bool sysAdminOnly = environment.IsAtLeast(6, 16);
        bool capable = environment.Has(LinuxCapability.SysAdmin) || (!sysAdminOnly && environment.Has(LinuxCapability.Perfmon));
        string paranoid = environment.PerfEventParanoid is int level ? $"kernel.perf_event_paranoid={level}" : "kernel.perf_event_paranoid unreadable";
        if (!capable)
        {
            string needs = sysAdminOnly
                ? "CAP_SYS_ADMIN (Linux 6.16+, ba677dbe)"
                : "CAP_PERFMON or CAP_SYS_ADMIN";
            string remedy = sysAdminOnly
                ? Grant(environment, "CAP_SYS_ADMIN", "cap_sys_admin+ep")
                : Grant(environment, "CAP_PERFMON", "cap_perfmon+ep");
            if (environment.PerfEventParanoid is > 2)
                remedy += $"; {paranoid} also refuses perf_event_open to unprivileged users: sysctl kernel.perf_event_paranoid=2";
            return new(UprobeFacility,
                $"{refused}: a uprobe needs {needs} and this process (euid {environment.EffectiveUid}) has {Capabilities(environment)}; {paranoid}",
                remedy,
                errno);
        }

        return new(UprobeFacility,
            $"{refused} although this process has {Capabilities(environment)}: {Denier(environment, "SELinux, AppArmor")} denies it",
            "find the denial in the audit log (dmesg, ausearch) and allow perf_event_open for this process",
            errno);
    }

    static KernelUnavailable ExplainBpfRefusal(string refused, int errno, KernelEnvironment environment)
    {
        bool capable = environment.Has(LinuxCapability.SysAdmin) || (environment.Has(LinuxCapability.Bpf) && environment.Has(LinuxCapability.Perfmon));
        if (!capable)
        {
            string unprivileged = environment.UnprivilegedBpfDisabled is int disabled and not 0
                ? $"; kernel.unprivileged_bpf_disabled={disabled} refuses bpf() to unprivileged users altogether"
                : "";
            return new(BpfFacility,
                $"{refused}: kprobe-type BPF programs need CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, and this process (euid {environment.EffectiveUid}) has {Capabilities(environment)}{unprivileged}",
                Grant(environment, "CAP_BPF and CAP_PERFMON", "cap_bpf,cap_perfmon+ep"),
                errno);
        }

        string memlock = environment.IsAtLeast(5, 11) ? "" : "RLIMIT_MEMLOCK (charged for BPF memory before Linux 5.11) or ";
        return new(BpfFacility,
            $"{refused} although this process has {Capabilities(environment)}: {memlock}{Denier(environment, "SELinux, AppArmor, BPF LSM")} denies it",
            environment.IsAtLeast(5, 11)
                ? "find the denial in the audit log (dmesg, ausearch) and allow bpf for this process"
                : "raise the locked-memory limit (ulimit -l unlimited), or find the denial in the audit log (dmesg)",
            errno);
    }

    /// <summary>How to get the capability: as root it was taken away (a container, a user namespace, setpriv), otherwise it was never there.</summary>
    static string Grant(KernelEnvironment environment, string capabilities, string setcap) => environment.EffectiveUid == 0
        ? $"this root process runs with a reduced capability set (a container, a user namespace, setpriv or capsh); give it back {capabilities}"
        : $"run as root, or grant {capabilities} to the process (e.g. setcap {setcap} on the dotnet host)";

    static string Capabilities(KernelEnvironment environment)
    {
        LinuxCapability[] relevant = [LinuxCapability.SysAdmin, LinuxCapability.Perfmon, LinuxCapability.Bpf];
        var held = relevant.Where(environment.Has).Select(Name).ToArray();
        return held.Length == 0
            ? $"none of {string.Join(", ", relevant.Select(Name))}"
            : string.Join(", ", held);
    }

    static string Name(LinuxCapability capability) => capability switch
    {
        LinuxCapability.SysAdmin => "CAP_SYS_ADMIN",
        LinuxCapability.Perfmon => "CAP_PERFMON",
        LinuxCapability.Bpf => "CAP_BPF",
        _ => capability.ToString(),
    };

    /// <summary>Who else can say no to a capable process: kernel lockdown (security/lockdown) or a Linux security module.</summary>
    static string Denier(KernelEnvironment environment, string modules) => environment.Lockdown switch
    {
        null => $"an LSM policy ({modules}) or lockdown (unknown here: no securityfs)",
        "none" => $"an LSM policy ({modules}; lockdown is off)",
        string mode => $"lockdown ({mode}) or an LSM policy ({modules})",
    };
}
