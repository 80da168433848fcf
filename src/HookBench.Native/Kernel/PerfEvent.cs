using System.Globalization;
using System.Runtime.InteropServices;

namespace HookBench.Native.Kernel;

/// <summary>
/// A perf event file descriptor counting hits of a uprobe or uretprobe, opened as perf and libbpf do it
/// (perf_event_open(2)): the dynamic <c>uprobe</c> PMU, <c>config1</c> = path, <c>config2</c> = file
/// offset, created disabled. <c>processId</c> and <c>cpu</c> are perf_event_open's pid and cpu: the
/// default (0, -1) counts hits in the calling thread on any CPU; (-1, n) counts every process on CPU n.
/// <see cref="FileDescriptor"/> is what PERF_EVENT_IOC_SET_BPF takes to attach a BPF program instead.
/// </summary>
public sealed class PerfEvent : IDisposable
{
    const string UprobePmu = "/sys/bus/event_source/devices/uprobe";

    // include/uapi/linux/perf_event.h: _IO('$', n)
    const nuint IocEnable = 0x2400;
    const nuint IocDisable = 0x2401;
    const nuint IocReset = 0x2403;
    const nint FlagFdCloexec = 8;

    readonly string _what;
    bool _disposed;

    PerfEvent(int fd, string what)
    {
        FileDescriptor = fd;
        _what = what;
    }

    public int FileDescriptor { get; }

    /// <summary>A uprobe: counts entries to the instruction at <paramref name="fileOffset"/> of <paramref name="path"/>.</summary>
    public static PerfEvent OpenUprobe(string path, ulong fileOffset, int processId = 0, int cpu = -1) =>
        Open(path, fileOffset, returnProbe: false, processId, cpu);

    /// <summary>A uretprobe: counts returns from the function whose entry is at <paramref name="fileOffset"/>.</summary>
    public static PerfEvent OpenUretprobe(string path, ulong fileOffset, int processId = 0, int cpu = -1) =>
        Open(path, fileOffset, returnProbe: true, processId, cpu);

    public void Enable() => Control(IocEnable, "enable");

    public void Disable() => Control(IocDisable, "disable");

    public void Reset() => Control(IocReset, "reset");

    /// <summary>Hits counted while enabled (read_format 0: one u64).</summary>
    public ulong ReadCount()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (NativeMethods.Read(FileDescriptor, out ulong count, sizeof(ulong)) != sizeof(ulong))
            throw Refused($"read of {_what}", Marshal.GetLastPInvokeError(), Marshal.GetLastPInvokeErrorMessage());
        return count;
    }

    /// <summary>Closes the descriptor; the kernel removes the probe when its last event goes.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        NativeMethods.Close(FileDescriptor);
    }

    static unsafe PerfEvent Open(string path, ulong fileOffset, bool returnProbe, int processId, int cpu)
    {
        string what = $"{(returnProbe ? "uretprobe" : "uprobe")} {path}+0x{fileOffset:X}";
        if (!OperatingSystem.IsLinux())
            throw new PerfEventException($"{what}: perf events are Linux-only", NativeMethods.Eopnotsupp);
        uint type = ReadPmuType(what);
        var attr = new PerfEventAttr
        {
            Type = type,
            Size = PerfEventAttr.SizeVer1,
            Config = returnProbe ? 1UL << ReadRetprobeBit(what) : 0,
            Flags = PerfEventAttr.FlagDisabled,
            Config2 = fileOffset,
        };
        nint pathUtf8 = Marshal.StringToCoTaskMemUTF8(path);
        try
        {
            attr.Config1 = (ulong)pathUtf8;   // the kernel copies the string during the call (strndup_user)
            nint fd = NativeMethods.Syscall(NativeMethods.SysPerfEventOpen, (nint)(&attr), processId, cpu, -1, FlagFdCloexec);
            if (fd < 0)
                throw Refused($"perf_event_open({what})", Marshal.GetLastPInvokeError(), Marshal.GetLastPInvokeErrorMessage());
            return new PerfEvent((int)fd, what);
        }
        finally
        {
            Marshal.FreeCoTaskMem(pathUtf8);
        }
    }

    void Control(nuint request, string verb)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (NativeMethods.Ioctl(FileDescriptor, request, 0) != 0)
            throw Refused($"{verb} of {_what}", Marshal.GetLastPInvokeError(), Marshal.GetLastPInvokeErrorMessage());
    }

    /// <summary>The uprobe PMU's dynamic type number (perf_event_open(2): /sys/bus/event_source/devices/*/type).</summary>
    static uint ReadPmuType(string what)
    {
        string file = $"{UprobePmu}/type";
        if (!File.Exists(file))
            throw new PerfEventException($"{what}: no uprobe PMU ({file} is missing; the kernel needs CONFIG_UPROBE_EVENTS)", NativeMethods.Enoent);
        return uint.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Which config bit asks for a return probe: format/retprobe reads "config:0" on every kernel so far.</summary>
    static int ReadRetprobeBit(string what)
    {
        string file = $"{UprobePmu}/format/retprobe";
        string text = File.Exists(file) ? File.ReadAllText(file).Trim() : "";
        if (!text.StartsWith("config:", StringComparison.Ordinal) || !int.TryParse(text["config:".Length..], CultureInfo.InvariantCulture, out int bit))
            throw new PerfEventException($"{what}: the uprobe PMU has no retprobe format ({file} reads '{text}'); this kernel cannot open uretprobes through perf", NativeMethods.Eopnotsupp);
        return bit;
    }

    static PerfEventException Refused(string operation, int errno, string reason)
    {
        string hint = errno switch
        {
            // kernel/events/core.c: perf_uprobe_event_init checks capable(CAP_SYS_ADMIN); from 5.8 it
            // accepted CAP_PERFMON until a 2025 fix (reported by Jann Horn) restored CAP_SYS_ADMIN.
            NativeMethods.Eacces or NativeMethods.Eperm =>
                $"; a uprobe through perf needs CAP_SYS_ADMIN (CAP_PERFMON on some kernels from 5.8 to 2025), "
                + $"whatever kernel.perf_event_paranoid (now {Paranoid()}) allows: run as root",
            NativeMethods.Enoent => "; the path does not resolve, or the uprobe PMU is not this type (is the file still open?)",
            NativeMethods.Einval => "; the path must name a regular file and the offset lie inside it",
            _ => "",
        };
        return new PerfEventException($"{operation} refused: {reason} (errno {errno}){hint}", errno);
    }

    static string Paranoid()
    {
        const string file = "/proc/sys/kernel/perf_event_paranoid";
        return File.Exists(file) ? File.ReadAllText(file).Trim() : "unknown";
    }
}
