using HookBench.Machine;

namespace HookBench.Comparison;

/// <summary>
/// Whether two runs come from the same CPU (vendor, family, model, stepping, microcode), and if not, what differs.
/// A field known on both sides and different makes the hardware different. A field one side did not record
/// (a summary written before stepping and vendor were recorded, a BenchmarkDotNet report, "unknown"
/// microcode) cannot show a difference, but cannot rule one out either: it counts as the same only when both
/// runs report the identical CPU brand string, which then vouches for what is missing; otherwise it counts as
/// a difference. Under KVM on AMD every guest reports microcode 0x01000065, so a host microcode update is
/// invisible there.
/// </summary>
public sealed record HardwareCheck(bool SameHardware, IReadOnlyList<string> Differences)
{
    public static HardwareCheck Between(RunOrigin before, RunOrigin after)
    {
        CpuIdentity a = before.Identity, b = after.Identity;
        var differences = new List<string>();
        if (a.Vendor is not null && b.Vendor is not null && a.Vendor != b.Vendor)
            differences.Add($"{a.Vendor} vs {b.Vendor}");
        if (a.Family is not null && b.Family is not null && a.Model is not null && b.Model is not null && (a.Family != b.Family || a.Model != b.Model))
            differences.Add($"{FamilyModel(a)} vs {FamilyModel(b)}");
        else if (a.Stepping is not null && b.Stepping is not null && a.Stepping != b.Stepping)
            differences.Add($"stepping {a.Stepping} vs {b.Stepping} of {FamilyModel(a)}");
        if (a.Microcode is not null && b.Microcode is not null && !string.Equals(a.Microcode, b.Microcode, StringComparison.OrdinalIgnoreCase))
            differences.Add($"microcode {a.Microcode} vs {b.Microcode}");
        if (differences.Count > 0)
            return new HardwareCheck(false, differences);

        var unrecorded = new List<string>();
        Unrecorded(unrecorded, "vendor", a.Vendor, b.Vendor);
        Unrecorded(unrecorded, "family", a.Family, b.Family);
        Unrecorded(unrecorded, "model", a.Model, b.Model);
        Unrecorded(unrecorded, "stepping", a.Stepping, b.Stepping);
        Unrecorded(unrecorded, "microcode", a.Microcode, b.Microcode);
        if (unrecorded.Count == 0 || string.Equals(before.Cpu, after.Cpu, StringComparison.Ordinal))
            return new HardwareCheck(true, []);
        return new HardwareCheck(false, [$"CPU '{before.Cpu}' vs '{after.Cpu}'", .. unrecorded]);
    }

    /// <summary>"family 26 model 2 (Zen 5)"; "family 26 model 2" when the microarchitecture is unknown.</summary>
    static string FamilyModel(CpuIdentity cpu) =>
        $"family {Show(cpu.Family)} model {Show(cpu.Model)}" + (cpu.Microarchitecture is null ? string.Empty : $" ({cpu.Microarchitecture})");

    static void Unrecorded<T>(List<string> into, string field, T? a, T? b)
    {
        if (a is null || b is null)
            into.Add($"{field} {Show(a)} vs {Show(b)}");
    }

    static string Show<T>(T? value) => value?.ToString() ?? "unknown";
}
