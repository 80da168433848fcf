using Perfolizer.Mathematics.Distributions.ContinuousDistributions;
using Perfolizer.Mathematics.Distributions.DiscreteDistributions;

namespace HookBench.Statistics;

/// <summary>
/// How many order statistics to trim from each end of a sorted list (values, Walsh averages or pairwise
/// differences) so that the rest is a distribution-free interval of at least the asked confidence. Small
/// samples use the exact null distributions of the sign, signed-rank and rank-sum statistics (so a "95%"
/// interval covers at least 95%, never the 67–94% a normal approximation gives at n = 2..5); large ones use
/// the normal approximation, which is then accurate. Zero means no interval of that confidence exists.
/// </summary>
public static class ExactRanks
{
    /// <summary>Above this many values (or pairs) the normal approximation replaces exact counting.</summary>
    const int ExactLimit = 2_500;

    /// <summary>
    /// Sign test: the largest j with P(B ≤ j − 1) ≤ tail for B ~ Binomial(n, ½); the interval of the median
    /// is [x(j), x(n − j + 1)]. 0 when even the whole range is too narrow a bet (n ≤ 5 at 95%).
    /// </summary>
    public static int SignRank(int n, double tail)
    {
        if (n < 1)
            return 0;
        var binomial = new BinomialDistribution(n, 0.5);
        int j = 0;
        while (j + 1 <= (n + 1) / 2 && binomial.Cdf(j) <= tail)
            j++;
        return j;
    }

    /// <summary>
    /// Wilcoxon signed-rank: the largest k with P(W⁺ ≤ k − 1) ≤ tail; the interval of the pseudo-median is
    /// [A(k), A(N − k + 1)] over the N = n(n+1)/2 sorted Walsh averages. 0 when n ≤ 5 at 95%.
    /// </summary>
    public static int SignedRank(int n, double tail)
    {
        if (n < 1)
            return 0;
        long total = (long)n * (n + 1) / 2;
        if (n > 60)
            return NormalRank(total, Math.Sqrt(n * (n + 1.0) * (2 * n + 1) / 24), tail);

        // Exact: P(W⁺ = w) by adding ranks 1..n one at a time, each in or out with probability ½.
        var p = new double[total + 1];
        p[0] = 1;
        long reach = 0;
        for (int rank = 1; rank <= n; rank++)
        {
            reach += rank;
            for (long w = reach; w >= 0; w--)
                p[w] = (p[w] + (w >= rank ? p[w - rank] : 0)) / 2;
        }

        return FromDistribution(p, tail, total);
    }

    /// <summary>
    /// Mann–Whitney: the largest k with P(U ≤ k − 1) ≤ tail for samples of sizes m and n; Moses' interval of
    /// the shift is [D(k), D(mn − k + 1)] over the mn sorted pairwise differences. 0 when no such k exists
    /// (m = n = 3 at 95%, say).
    /// </summary>
    public static int RankSum(int m, int n, double tail)
    {
        if (m < 1 || n < 1)
            return 0;
        long pairs = (long)m * n;
        if (pairs > ExactLimit)
            return NormalRank(pairs, Math.Sqrt(pairs * (m + n + 1) / 12.0), tail);

        // Exact: the generating function of U is the Gaussian binomial [m+n choose m](q) =
        // ∏_{i=1..m} (1 − q^(n+i)) / (1 − q^i); multiply and divide term by term, in doubles (exact up to 2^53).
        var c = new double[pairs + 1];
        c[0] = 1;
        for (int i = 1; i <= m; i++)
        {
            int up = n + i;
            for (long u = pairs; u >= up; u--)
                c[u] -= c[u - up];
            for (long u = i; u <= pairs; u++)
                c[u] += c[u - i];
        }

        double all = c.Sum();
        return FromDistribution([.. c.Select(v => v / all)], tail, pairs);
    }

    static int FromDistribution(double[] p, double tail, long total)
    {
        double cdf = 0;
        int k = 0;
        // k − 1 is the largest value whose lower tail stays within the bound; never trim past the middle.
        while (k < (total + 1) / 2)
        {
            cdf += p[k];
            if (cdf > tail * (1 + 1e-12))
                break;
            k++;
        }

        return k;
    }

    static int NormalRank(long total, double sd, double tail)
    {
        double z = new NormalDistribution(0, 1).Quantile(1 - tail);
        double k = Math.Floor(total / 2.0 - z * sd);
        return (int)Math.Clamp(k, 0, (total + 1) / 2);
    }
}
