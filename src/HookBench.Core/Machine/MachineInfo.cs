using System.Runtime.InteropServices;
using System.Text;

namespace HookBench.Machine;

/// <summary>What a result depends on besides the code: CPU, microcode, kernel, hypervisor, mitigations.</summary>
public sealed record MachineInfo(
    string Cpu,
    string CpuVendor,
    int CpuFamily,
    int CpuModel,
    int CpuStepping,
    string Microcode,
    string Os,
    string Kernel,
    string? Hypervisor,
    string Runtime,
    IReadOnlyDictionary<string, string> Mitigations)
{
    /// <summary>Vendor, family, model, stepping, microcode and the microarchitecture they name.</summary>
    public CpuIdentity Identity() => CpuIdentity.Create(CpuVendor, CpuFamily, CpuModel, CpuStepping, Microcode);

    public static MachineInfo Collect()
    {
        var signature = CpuSignature.Current();
        var cpuinfo = ReadCpuInfo();
        return new MachineInfo(
            BrandString() ?? cpuinfo.GetValueOrDefault("model name") ?? "unknown",
            CpuVendors.OfThisCpu(),
            signature.Family,
            signature.Model,
            signature.Stepping,
            // Under KVM on AMD this is the constant KVM and QEMU report to every guest (0x01000065,
            // arch/x86/kvm/svm/svm.c), not the host's revision.
            cpuinfo.GetValueOrDefault("microcode") ?? "unknown",
            RuntimeInformation.OSDescription,
            ReadFirstLine("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString(),
            ReadHypervisor(),
            RuntimeInformation.FrameworkDescription,
            ReadVulnerabilities());
    }

    /// <summary>The flags line of /proc/cpuinfo (first processor): the CPU features the kernel enabled; empty elsewhere.</summary>
    public static IReadOnlySet<string> CpuFlags() =>
        new HashSet<string>((ReadCpuInfo().GetValueOrDefault("flags") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>CPUID 0x80000002..4: the brand string the CPU reports.</summary>
    static string? BrandString()
    {
        if (Cpuid.Query(0x80000000).Eax < 0x80000004)
            return null;
        var bytes = new List<byte>();
        for (uint leaf = 0x80000002; leaf <= 0x80000004; leaf++)
        {
            var (a, b, c, d) = Cpuid.Query(leaf);
            foreach (uint word in new[] { a, b, c, d })
                bytes.AddRange(BitConverter.GetBytes(word));
        }

        string brand = Encoding.ASCII.GetString([.. bytes]).TrimEnd('\0').Trim();
        return brand.Length == 0 ? null : brand;
    }

    /// <summary>The hypervisor's CPUID signature (leaf 0x40000000) when CPUID.1:ECX[31] says one is present.</summary>
    static string? ReadHypervisor()
    {
        if ((Cpuid.Query(1).Ecx & (1u << 31)) == 0)
            return null;
        var (_, b, c, d) = Cpuid.Query(0x40000000);
        string signature = Encoding.ASCII.GetString([.. BitConverter.GetBytes(b), .. BitConverter.GetBytes(c), .. BitConverter.GetBytes(d)]).TrimEnd('\0');
        return signature switch
        {
            "KVMKVMKVM" => "KVM",
            "Microsoft Hv" => "Hyper-V",
            "VMwareVMware" => "VMware",
            "XenVMMXenVMM" => "Xen",
            "TCGTCGTCGTCG" => "QEMU TCG",
            "" => "unknown",
            _ => signature,
        };
    }

    /// <summary>The kernel's own text for each CPU vulnerability (Linux sysfs); empty elsewhere.</summary>
    public static IReadOnlyDictionary<string, string> ReadVulnerabilities()
    {
        const string folder = "/sys/devices/system/cpu/vulnerabilities";
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (string file in Directory.EnumerateFiles(folder))
                result[Path.GetFileName(file)] = ReadFirstLine(file) ?? string.Empty;
        }

        return new Dictionary<string, string>(result);
    }

    static Dictionary<string, string> ReadCpuInfo()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists("/proc/cpuinfo"))
            return fields;
        foreach (string line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.Length == 0)
                break;                                // first processor only
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }

        return fields;
    }

    static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
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
