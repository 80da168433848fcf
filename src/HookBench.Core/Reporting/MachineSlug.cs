using System.Text;
using System.Text.RegularExpressions;
using HookBench.Machine;

namespace HookBench.Reporting;

/// <summary>
/// A machine's folder name under results/: vendor and brand, microarchitecture, family/model/stepping,
/// hypervisor (or "metal") and logical CPU count, e.g. amd-epyc-zen5-f26m2s1-kvm-2cpu. Two CPU models never
/// share a name (family and model are in it, in decimal as /proc/cpuinfo shows them); whatever a result did
/// not record is left out. Microcode is not part of the name: a microcode update keeps the folder, and
/// compare reports it instead.
/// </summary>
public static partial class MachineSlug
{
    public static string For(string brand, CpuIdentity cpu, string? hypervisor, int? logicalCpus)
    {
        var tokens = BrandTokens(brand);
        if (cpu.Vendor is not null && !tokens.Contains(Simplify(cpu.Vendor), StringComparer.Ordinal))
            tokens.Insert(0, Simplify(cpu.Vendor));
        if (cpu.Microarchitecture is not null)
            tokens.Add(MicroarchitectureToken(cpu.Microarchitecture));
        if (cpu.Family is int family && cpu.Model is int model)
            tokens.Add(cpu.Stepping is int stepping ? $"f{family}m{model}s{stepping}" : $"f{family}m{model}");
        tokens.Add(Simplify(hypervisor ?? "metal"));
        if (logicalCpus is int n and > 0)
            tokens.Add($"{n}cpu");
        return string.Join('-', tokens.Where(t => t.Length > 0));
    }

    /// <summary>"Zen 5" → zen5, "Zen+" → zenplus, "Sapphire Rapids (Golden Cove)" → sapphirerapids.</summary>
    public static string MicroarchitectureToken(string name)
    {
        int paren = name.IndexOf(" (", StringComparison.Ordinal);
        string head = (paren > 0 ? name[..paren] : name).Replace("+", "plus", StringComparison.Ordinal);
        return string.Concat(head.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit));
    }

    /// <summary>
    /// The brand string's words, without what carries no identity: trademark marks, "CPU"/"Processor", a core
    /// count ("96-Core", "Six-Core"), the clock ("@ 2.80GHz") and an APU's "with Radeon Graphics".
    /// </summary>
    static List<string> BrandTokens(string brand)
    {
        string text = TrademarkPattern().Replace(brand, " ");
        text = ClockOrGraphicsTail().Replace(text, string.Empty);
        text = CoreCountPattern().Replace(text, " ");
        return [.. Simplify(text).Split('-', StringSplitOptions.RemoveEmptyEntries).Where(t => t is not ("cpu" or "processor"))];
    }

    /// <summary>Lower case, ASCII letters and digits, one '-' between words.</summary>
    static string Simplify(string text)
    {
        var slug = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        return MultipleDashes().Replace(slug.ToString(), "-").Trim('-');
    }

    [GeneratedRegex(@"\((R|TM|C)\)", RegexOptions.IgnoreCase)]
    private static partial Regex TrademarkPattern();

    [GeneratedRegex(@"(\s@\s.*|\swith\s.*Graphics.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex ClockOrGraphicsTail();

    [GeneratedRegex(@"\b\w+-Core\b", RegexOptions.IgnoreCase)]
    private static partial Regex CoreCountPattern();

    [GeneratedRegex("-{2,}")]
    private static partial Regex MultipleDashes();
}
