using System.Globalization;
using System.Text.Json.Serialization;

namespace HookBench.Statistics;

/// <summary>
/// A point estimate (a median, a pseudo-median or a shift) with its 95% confidence interval; summary files
/// store it as median, ci_low, ci_high. The bounds are null when the sample is too small to have a 95%
/// interval at all (an exact rank test cannot reach 95% with so few values): say so rather than print a
/// range that covers less than it claims.
/// </summary>
public sealed record Estimate(double Median, double? CiLow, double? CiHigh)
{
    public const string NoInterval = "no 95% interval";

    /// <summary>An estimate without a 95% interval.</summary>
    public static Estimate PointOnly(double median) => new(median, null, null);

    [JsonIgnore]
    public bool HasInterval => CiLow is not null && CiHigh is not null;

    /// <summary>Half the interval's width; infinite when there is no interval (no precision target is met then).</summary>
    [JsonIgnore]
    public double HalfWidth => HasInterval ? (CiHigh!.Value - CiLow!.Value) / 2 : double.PositiveInfinity;

    /// <summary>Every figure multiplied by <paramref name="factor"/> (ns to cycles, say); a negative factor swaps the bounds.</summary>
    public Estimate Times(double factor) => !HasInterval
        ? PointOnly(Median * factor)
        : factor >= 0
            ? new Estimate(Median * factor, CiLow * factor, CiHigh * factor)
            : new Estimate(Median * factor, CiHigh * factor, CiLow * factor);

    /// <summary>"1.23 [1.20; 1.26]", or "1.23 (no 95% interval)".</summary>
    public string Format(string format = "F2") => HasInterval
        ? $"{Median.ToString(format, CultureInfo.InvariantCulture)} [{CiLow!.Value.ToString(format, CultureInfo.InvariantCulture)}; {CiHigh!.Value.ToString(format, CultureInfo.InvariantCulture)}]"
        : $"{Median.ToString(format, CultureInfo.InvariantCulture)} ({NoInterval})";

    /// <summary>Like <see cref="Format"/> with explicit signs, for shifts: "+0.20 [+0.17; +0.23]".</summary>
    public string FormatSigned(string digits = "0.000") => HasInterval
        ? $"{Signed(Median, digits)} [{Signed(CiLow!.Value, digits)}; {Signed(CiHigh!.Value, digits)}]"
        : $"{Signed(Median, digits)} ({NoInterval})";

    /// <summary>"+0.123" or "-0.123"; a value that rounds to zero is "+0.000", never "-+0.000".</summary>
    static string Signed(double value, string digits)
    {
        int decimals = digits.Contains('.', StringComparison.Ordinal) ? digits.Length - digits.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        double rounded = Math.Round(value, decimals) + 0.0;
        return rounded.ToString($"+{digits};-{digits};+{digits}", CultureInfo.InvariantCulture);
    }

    public override string ToString() => Format("F3");
}
