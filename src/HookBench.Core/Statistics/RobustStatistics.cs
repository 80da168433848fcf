using Perfolizer.Mathematics.OutlierDetection;
using Perfolizer.Mathematics.QuantileEstimators;
using Pragmastat;
using Pragmastat.Algorithms;

namespace HookBench.Statistics;

/// <summary>
/// Distribution-free estimates: timing samples are skewed and have long right tails (interrupts, page
/// faults), so means and normal intervals mislead. Point estimates come from Pragmastat; interval ranks from
/// the exact null distributions in <see cref="ExactRanks"/>. Too few values for a 95% interval give an
/// estimate without one (<see cref="Estimate.HasInterval"/>).
/// </summary>
public static class RobustStatistics
{
    public const double Confidence = 0.95;

    const double Tail = (1 - Confidence) / 2;

    /// <summary>
    /// The sample median with its sign-test interval: order statistics x(j) and x(n−j+1), where j is the
    /// largest rank with P(Binomial(n, ½) &lt; j) ≤ α/2. Exact coverage ≥ 95% for any continuous distribution;
    /// none below n = 6.
    /// </summary>
    public static Estimate Median(IReadOnlyList<double> values)
    {
        RequireSamples(values, 1);
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        int j = ExactRanks.SignRank(n, Tail);
        return j == 0 ? Estimate.PointOnly(median) : new Estimate(median, sorted[j - 1], sorted[n - j]);
    }

    /// <summary>
    /// The centre of a symmetric sample: the Hodges–Lehmann pseudo-median (median of the Walsh averages,
    /// Pragmastat's Center) with the Wilcoxon signed-rank interval (Walsh averages at the exact ranks).
    /// None below n = 6.
    /// </summary>
    public static Estimate Center(IReadOnlyList<double> values)
    {
        RequireSamples(values, 1);
        int n = values.Count;
        double center = n == 1 ? values[0] : Toolkit.Center(new Sample([.. values])).NominalValue;
        int k = ExactRanks.SignedRank(n, Tail);
        if (k == 0)
            return Estimate.PointOnly(center);
        var walsh = new double[(long)n * (n + 1) / 2];
        int w = 0;
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                walsh[w++] = (values[i] + values[j]) / 2;
        Array.Sort(walsh);
        return new Estimate(center, walsh[k - 1], walsh[^k]);
    }

    /// <summary>
    /// How much larger <paramref name="treatment"/> is than <paramref name="baseline"/>: the Hodges–Lehmann
    /// shift (median of all pairwise differences, Pragmastat's Shift) with Moses' distribution-free
    /// interval: the pairwise differences at the ranks of the exact Mann–Whitney null distribution (normal
    /// approximation for large samples). None when the samples are too small (3 against 3, say).
    /// </summary>
    public static Estimate Shift(IReadOnlyList<double> baseline, IReadOnlyList<double> treatment)
    {
        RequireSamples(baseline, 1);
        RequireSamples(treatment, 1);
        double shift = Toolkit.Shift(new Sample([.. treatment]), new Sample([.. baseline])).NominalValue;
        int m = treatment.Count, n = baseline.Count;
        long pairs = (long)m * n;
        int k = ExactRanks.RankSum(m, n, Tail);
        if (k == 0)
            return Estimate.PointOnly(shift);
        // FastShift returns quantiles of the pairwise differences (type 7): rank r sits at (r − 1)/(N − 1).
        double[] bounds = FastShift.Estimate([.. treatment], [.. baseline], [(k - 1.0) / (pairs - 1), (pairs - k) / (double)(pairs - 1)], false);
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

    static void RequireSamples(IReadOnlyList<double> values, int minimum)
    {
        if (values.Count < minimum)
            throw new ArgumentException($"need at least {minimum} samples, got {values.Count}", nameof(values));
    }
}
