namespace HookBench.Statistics;

/// <summary>A point estimate with a 95% confidence interval.</summary>
public sealed record Estimate(double Median, double CiLow, double CiHigh)
{
    public double HalfWidth => (CiHigh - CiLow) / 2;

    public override string ToString() => $"{Median:F3} [{CiLow:F3}; {CiHigh:F3}]";
}
