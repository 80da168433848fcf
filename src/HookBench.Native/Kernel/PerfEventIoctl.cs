namespace HookBench.Native.Kernel;

/// <summary>
/// The perf event ioctls kernel probing uses (include/uapi/linux/perf_event.h): ENABLE is
/// <c>_IO('$', 0)</c>, DISABLE <c>_IO('$', 1)</c>, SET_BPF <c>_IOW('$', 8, __u32)</c> =
/// (1 &lt;&lt; 30 write) | (4 &lt;&lt; 16 size) | ('$' &lt;&lt; 8) | 8. SET_BPF takes the program's fd by value.
/// </summary>
public enum PerfEventIoctl : uint
{
    Enable = 0x2400,
    Disable = 0x2401,
    SetBpf = 0x4004_2408,
}
