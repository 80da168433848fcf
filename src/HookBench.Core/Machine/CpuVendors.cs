using System.Text;

namespace HookBench.Machine;

/// <summary>The CPU vendor from the 12-character signature CPUID leaf 0 returns in EBX, EDX, ECX.</summary>
public static class CpuVendors
{
    /// <summary>Vendor signatures as the kernel matches them (the c_ident strings of arch/x86/kernel/cpu/{intel,amd,hygon,centaur,zhaoxin}.c).</summary>
    static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["GenuineIntel"] = "Intel",
        ["AuthenticAMD"] = "AMD",
        ["HygonGenuine"] = "Hygon",
        ["CentaurHauls"] = "Centaur",
        ["  Shanghai  "] = "Zhaoxin",
    };

    /// <summary>"AMD", "Intel", ... for a known signature; otherwise the signature itself, trimmed ("unknown" when empty).</summary>
    public static string FromSignature(string signature) =>
        Names.TryGetValue(signature, out string? name) ? name
        : signature.Trim('\0', ' ') is { Length: > 0 } trimmed ? trimmed
        : "unknown";

    /// <summary>This CPU's vendor.</summary>
    public static string OfThisCpu()
    {
        var (_, ebx, ecx, edx) = Cpuid.Query(0);
        return FromSignature(Encoding.ASCII.GetString([.. BitConverter.GetBytes(ebx), .. BitConverter.GetBytes(edx), .. BitConverter.GetBytes(ecx)]));
    }
}
