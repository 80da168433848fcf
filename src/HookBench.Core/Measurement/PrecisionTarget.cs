namespace HookBench.Measurement;

/// <summary>
/// A half-width goal of max(<see cref="AbsoluteNs"/>, <see cref="Relative"/> × |median|); adaptive runs
/// aim at <see cref="Margin"/> of it so the published interval meets it with room to spare.
/// </summary>
public sealed record PrecisionTarget(double AbsoluteNs, double Relative, double Margin)
{
    public static PrecisionTarget Default { get; } = new(0.1, 0.02, 0.6);

    /// <summary>Kernel-probe cells: 3% of the overhead, whatever it is (see <see cref="MeasurementSettings.KernelPrecision"/>).</summary>
    public static PrecisionTarget KernelDefault { get; } = new(0, 0.03, 0.6);

    public double Limit(double median) => Math.Max(AbsoluteNs, Relative * Math.Abs(median));

    public bool IsMet(Statistics.Estimate overhead, double margin = 1) => overhead.HalfWidth <= margin * Limit(overhead.Median);
}
