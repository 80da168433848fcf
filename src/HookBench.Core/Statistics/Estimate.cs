using System.Text.Json.Serialization;

namespace HookBench.Statistics;

/// <summary>A point estimate (a median or a shift) with its 95% confidence interval; summary files store it as median, ci_low, ci_high.</summary>
public sealed record Estimate(double Median, double CiLow, double CiHigh)
{
    [JsonIgnore]
    public double HalfWidth => (CiHigh - CiLow) / 2;

    public override string ToString() => $"{Median:F3} [{CiLow:F3}; {CiHigh:F3}]";
}
