namespace HookBench.Comparison;

/// <summary>
/// Whether a comparison may fail a build. Only like against like is gated: across different hardware every
/// cell is still reported, but a slower cell says nothing about the code (a CI runner label that changed CPU
/// made 47 of 87 cells "slower"), so the comparison is not gated unless <c>--gate-anyway</c> asks for it.
/// </summary>
public sealed record GateVerdict(bool Gated, bool Fails, bool SameHardware, IReadOnlyList<string> HardwareDifferences)
{
    /// <summary>The line a comparison across hardware starts with; null when both runs come from the same CPU.</summary>
    public string? Notice => SameHardware
        ? null
        : $"{(Gated ? "gated anyway (--gate-anyway)" : "not gated")}: different hardware ({string.Join("; ", HardwareDifferences)})";

    public static GateVerdict For(HardwareCheck hardware, bool hasRegression, bool gateAnyway)
    {
        bool gated = hardware.SameHardware || gateAnyway;
        return new GateVerdict(gated, gated && hasRegression, hardware.SameHardware, hardware.Differences);
    }
}
