using System.Globalization;

namespace HookBench.Uprobes;

/// <summary>
/// The facts that decide whether this process may put probes and BPF programs into the kernel, read
/// from procfs and securityfs. A refusal is explained from these; tests construct them directly.
/// </summary>
/// <param name="KernelRelease">uname -r (/proc/sys/kernel/osrelease).</param>
/// <param name="EffectiveUid">The second field of Uid: in /proc/self/status.</param>
/// <param name="EffectiveCapabilities">CapEff: in /proc/self/status, one bit per <see cref="LinuxCapability"/>.</param>
/// <param name="PerfEventParanoid">kernel.perf_event_paranoid, or null when unreadable.</param>
/// <param name="UnprivilegedBpfDisabled">kernel.unprivileged_bpf_disabled, or null when unreadable.</param>
/// <param name="Lockdown">The active lockdown mode (none, integrity, confidentiality), or null without securityfs.</param>
/// <param name="SeccompMode">Seccomp: in /proc/self/status: 0 off, 1 strict, 2 filter (containers).</param>
public sealed record KernelEnvironment(
    string KernelRelease,
    int EffectiveUid,
    ulong EffectiveCapabilities,
    int? PerfEventParanoid,
    int? UnprivilegedBpfDisabled,
    string? Lockdown,
    int SeccompMode)
{
    public bool Has(LinuxCapability capability) => ((EffectiveCapabilities >> (int)capability) & 1) != 0;

    /// <summary>(major, minor, patch) of <see cref="KernelRelease"/>; a part that does not parse is 0.</summary>
    public (int Major, int Minor, int Patch) Version
    {
        get
        {
            string[] parts = KernelRelease.Split('.', '-', '+');
            int Part(int i) => i < parts.Length && int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0;
            return (Part(0), Part(1), Part(2));
        }
    }

    /// <summary>
    /// LINUX_VERSION_CODE for BPF_PROG_LOAD's kern_version: KERNEL_VERSION(a, b, c) = a &lt;&lt; 16 | b &lt;&lt; 8 |
    /// min(c, 255). Kernels before 5.0 refused kprobe programs whose kern_version did not match.
    /// </summary>
    public uint VersionCode
    {
        get
        {
            var (major, minor, patch) = Version;
            return (uint)((major << 16) + (minor << 8) + Math.Min(patch, 255));
        }
    }

    public bool IsAtLeast(int major, int minor) => Version.Major > major || (Version.Major == major && Version.Minor >= minor);

    public static KernelEnvironment Read() => Read("/proc", "/sys/kernel/security");

    public static KernelEnvironment Read(string procRoot, string securityRoot)
    {
        var status = ReadStatus(Path.Combine(procRoot, "self", "status"));
        return new KernelEnvironment(
            ReadText(Path.Combine(procRoot, "sys", "kernel", "osrelease")) ?? Environment.OSVersion.Version.ToString(),
            status.TryGetValue("Uid", out string? uid) ? ParseInt(uid.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1)) ?? -1 : -1,
            status.TryGetValue("CapEff", out string? caps) && ulong.TryParse(caps, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong c) ? c : 0,
            ParseInt(ReadText(Path.Combine(procRoot, "sys", "kernel", "perf_event_paranoid"))),
            ParseInt(ReadText(Path.Combine(procRoot, "sys", "kernel", "unprivileged_bpf_disabled"))),
            ActiveLockdown(ReadText(Path.Combine(securityRoot, "lockdown"))),
            status.TryGetValue("Seccomp", out string? seccomp) ? ParseInt(seccomp) ?? 0 : 0);
    }

    /// <summary>securityfs lists every mode and brackets the active one: "none [integrity] confidentiality".</summary>
    public static string? ActiveLockdown(string? listing)
    {
        if (listing is null)
            return null;
        int open = listing.IndexOf('[', StringComparison.Ordinal), close = listing.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open ? listing[(open + 1)..close] : null;
    }

    static Dictionary<string, string> ReadStatus(string path)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? text = ReadText(path);
        if (text is null)
            return fields;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
                fields[line[..colon]] = line[(colon + 1)..].Trim();
        }

        return fields;
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

    static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;
}
