using System.Globalization;

namespace HookBench.Machine;

/// <summary>
/// What tells one CPU from another when results are compared: vendor, family, model, stepping and microcode
/// revision, plus the microarchitecture they name. Null means not recorded (files written before a field
/// existed, BenchmarkDotNet reports) or unknown ("unknown" microcode where the OS does not expose it).
/// </summary>
public sealed record CpuIdentity(string? Vendor, int? Family, int? Model, int? Stepping, string? Microcode, string? Microarchitecture)
{
    public static CpuIdentity Unknown { get; } = new(null, null, null, null, null, null);

    /// <summary>
    /// Normalizes what a result recorded: "unknown" becomes null, a hex microcode revision loses leading zeros
    /// (0x01000065 and 0x1000065 are one revision), and the microarchitecture comes from today's table when the
    /// vendor is known, else from <paramref name="recordedMicroarchitecture"/>.
    /// </summary>
    public static CpuIdentity Create(string? vendor, int? family, int? model, int? stepping, string? microcode, string? recordedMicroarchitecture = null)
    {
        string? knownVendor = Known(vendor);
        string? fromTable = family is int f && model is int m ? Microarchitectures.Find(knownVendor, f, m, stepping) : null;
        return new CpuIdentity(knownVendor, family, model, stepping, NormalizeMicrocode(Known(microcode)), fromTable ?? Known(recordedMicroarchitecture));
    }

    static string? Known(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Equals("unknown", StringComparison.OrdinalIgnoreCase) ? null : value.Trim();

    static string? NormalizeMicrocode(string? microcode) =>
        microcode is not null
        && microcode.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        && ulong.TryParse(microcode.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong revision)
            ? $"0x{revision:x}"
            : microcode;
}
