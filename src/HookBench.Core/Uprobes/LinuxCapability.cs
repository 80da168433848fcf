namespace HookBench.Uprobes;

/// <summary>The capability bits kernel probing depends on (include/uapi/linux/capability.h).</summary>
public enum LinuxCapability
{
    SysAdmin = 21,
    Perfmon = 38,
    Bpf = 39,
}
