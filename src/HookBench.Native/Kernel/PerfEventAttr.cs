using System.Runtime.InteropServices;

namespace HookBench.Native.Kernel;

/// <summary>
/// <c>struct perf_event_attr</c> (include/uapi/linux/perf_event.h) up to <c>config2</c>: the 72-byte
/// PERF_ATTR_SIZE_VER1 layout, everything a uprobe needs. The kernel takes any published size and
/// treats the missing tail as zero (kernel/events/core.c: perf_copy_attr).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PerfEventAttr
{
    public const uint SizeVer1 = 72;

    /// <summary>Bit 0 of the flags word: start disabled, enable with PERF_EVENT_IOC_ENABLE.</summary>
    public const ulong FlagDisabled = 1;

    public uint Type;
    public uint Size;
    public ulong Config;
    public ulong SamplePeriod;
    public ulong SampleType;
    public ulong ReadFormat;
    public ulong Flags;
    public uint WakeupEvents;
    public uint BreakpointType;

    /// <summary>For the uprobe PMU: <c>uprobe_path</c>, a user pointer to a NUL-terminated path.</summary>
    public ulong Config1;

    /// <summary>For the uprobe PMU: <c>probe_offset</c>, the probed instruction's offset in that file.</summary>
    public ulong Config2;
}
