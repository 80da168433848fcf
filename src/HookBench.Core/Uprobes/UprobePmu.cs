using System.Globalization;

namespace HookBench.Uprobes;

/// <summary>
/// The kernel's uprobe PMU as sysfs describes it: its perf event type number, which is assigned at boot
/// (/sys/bus/event_source/devices/uprobe/type), and the config bit that makes an event a return probe
/// (.../format/retprobe, "config:N"). kernel/trace/trace_event_perf.c creates the probe from
/// config1 (the path) and config2 (the offset).
/// </summary>
public sealed record UprobePmu(uint Type, int RetprobeBit)
{
    public const string SysfsDirectory = "/sys/bus/event_source/devices/uprobe";

    /// <summary>The perf_event_attr.config for a probe of <paramref name="kind"/>.</summary>
    public ulong Config(ProbeKind kind) => kind == ProbeKind.Return ? 1UL << RetprobeBit : 0;

    public static KernelOutcome<UprobePmu> Discover() => Discover(SysfsDirectory);

    public static KernelOutcome<UprobePmu> Discover(string directory)
    {
        string typePath = Path.Combine(directory, "type");
        string retprobePath = Path.Combine(directory, "format", "retprobe");
        string? type = ReadText(typePath);
        if (type is null)
            return RefusalDiagnosis.NoUprobePmu($"{typePath} does not exist, so the kernel has no uprobe PMU");
        if (!uint.TryParse(type, NumberStyles.None, CultureInfo.InvariantCulture, out uint typeNumber))
            return RefusalDiagnosis.NoUprobePmu($"{typePath} holds '{type}', not a PMU type number");
        string? format = ReadText(retprobePath);
        if (format is null)
            return RefusalDiagnosis.NoUprobePmu($"{retprobePath} does not exist, so the uprobe PMU cannot make return probes");
        int? bit = ParseConfigBit(format);
        if (bit is null)
            return RefusalDiagnosis.NoUprobePmu($"{retprobePath} holds '{format}', not the single config bit 'config:N'");
        return new UprobePmu(typeNumber, bit.Value);
    }

    /// <summary>The N of a one-bit sysfs PMU format "config:N", or null for anything else (a range, another field).</summary>
    public static int? ParseConfigBit(string format)
    {
        const string prefix = "config:";
        string text = format.Trim();
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        return int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int bit) && bit < 64
            ? bit
            : null;
    }

    static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
