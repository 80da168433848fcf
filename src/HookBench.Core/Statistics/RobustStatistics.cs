using Perfolizer.Mathematics.Distributions.ContinuousDistributions;
using Perfolizer.Mathematics.Distributions.DiscreteDistributions;
using Perfolizer.Mathematics.OutlierDetection;
using Perfolizer.Mathematics.QuantileEstimators;
using Pragmastat;
using Pragmastat.Algorithms;

namespace HookBench.Statistics;

/// <summary>
/// Distribution-free estimates: timing samples are skewed and have long right tails (interrupts, page
/// faults), so means and normal intervals mislead. Point estimates come from Pragmastat, interval ranks
/// from Perfolizer's distributions.
/// </summary>
public static class RobustStatistics
{
    public const double Confidence = 0.95;

    /// <summary>
    /// The sample median with its sign-test interval: order statistics x(j) and x(n−j+1), where j is the
    /// largest rank with P(Binomial(n, ½) &lt; j) ≤ α/2. Exact coverage ≥ 95% for any continuous distribution.
    /// </summary>
    public static Estimate Median(IReadOnlyList<double> values)
    {
        RequireSamples(values, 1);
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        int j = SignTestRank(n, (1 - Confidence) / 2);
        return j == 0
            ? new Estimate(median, sorted[0], sorted[^1])
            : new Estimate(median, sorted[j - 1], sorted[n - j]);
    }

    /// <summary>
    /// How much larger <paramref name="treatment"/> is than <paramref name="baseline"/>: the Hodges–Lehmann
    /// shift (median of all pairwise differences, Pragmastat's Shift) with Moses' distribution-free
    /// interval: the pairwise differences at the ranks the Mann–Whitney null distribution gives.
    /// </summary>
    public static Estimate Shift(IReadOnlyList<double> baseline, IReadOnlyList<double> treatment)
    {
        RequireSamples(baseline, 2);
        RequireSamples(treatment, 2);
        double shift = Toolkit.Shift(new Sample([.. treatment]), new Sample([.. baseline])).NominalValue;
        double m = treatment.Count, n = baseline.Count, pairs = m * n;
        double z = new NormalDistribution(0, 1).Quantile(1 - (1 - Confidence) / 2);
        double rank = Math.Floor(pairs / 2 - z * Math.Sqrt(pairs * (m + n + 1) / 12));
        if (rank < 1)
            rank = 1;
        // FastShift returns quantiles of the pairwise differences (type 7): rank r sits at (r − 1)/(N − 1).
        double[] bounds = FastShift.Estimate([.. treatment], [.. baseline], [(rank - 1) / (pairs - 1), (pairs - rank) / (pairs - 1)], false);
        return new Estimate(shift, bounds[0], bounds[1]);
    }

    /// <summary>Values beyond Tukey's far-out fences (3 × IQR); the estimators above are robust to them, the count is reported.</summary>
    public static int CountOutliers(IReadOnlyList<double> values)
    {
        if (values.Count < 4)
            return 0;
        var detector = TukeyOutlierDetector.Create(values, 3, new HyndmanFanQuantileEstimator(HyndmanFanType.Type7));
        return values.Count(v => detector.IsLowerOutlier(v) || detector.IsUpperOutlier(v));
    }

    /// <summary>The largest j with P(B &lt; j) ≤ tail for B ~ Binomial(n, ½), or 0 when even j = 1 is too wide a bet.</summary>
    static int SignTestRank(int n, double tail)
    {
        var binomial = new BinomialDistribution(n, 0.5);
        int j = 0;
        while (j + 1 <= (n + 1) / 2 && binomial.Cdf(j) <= tail)
            j++;
        return j;
    }

    static void RequireSamples(IReadOnlyList<double> values, int minimum)
    {
        if (values.Count < minimum)
            throw new ArgumentException($"need at least {minimum} samples, got {values.Count}", nameof(values));
    }
}
