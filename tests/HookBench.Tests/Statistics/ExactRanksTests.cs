using HookBench.Statistics;
using Xunit;

namespace HookBench.Tests.Statistics;

public class ExactRanksTests
{
    const double Tail = 0.025;

    [Theory]
    // Published two-sided 5% critical values (Hollander & Wolfe, Table A.4): reject when W ≤ c; k = c + 1.
    [InlineData(5, 0)]
    [InlineData(6, 1)]
    [InlineData(7, 3)]
    [InlineData(8, 4)]
    [InlineData(10, 9)]
    [InlineData(12, 14)]
    [InlineData(20, 53)]
    public void Signed_rank_ranks_match_the_tables(int n, int k) => Assert.Equal(k, ExactRanks.SignedRank(n, Tail));

    [Theory]
    // Mann–Whitney two-sided 5% critical values of U (reject when U ≤ c); k = c + 1. m = n = 3 has none.
    [InlineData(3, 3, 0)]
    [InlineData(4, 4, 1)]
    [InlineData(5, 5, 3)]
    [InlineData(6, 6, 6)]
    [InlineData(8, 8, 14)]
    [InlineData(10, 10, 24)]
    [InlineData(5, 8, 7)]
    public void Rank_sum_ranks_match_the_tables(int m, int n, int k)
    {
        Assert.Equal(k, ExactRanks.RankSum(m, n, Tail));
        Assert.Equal(k, ExactRanks.RankSum(n, m, Tail));
    }

    [Theory]
    [InlineData(5, 0)]
    [InlineData(6, 1)]
    [InlineData(9, 2)]
    [InlineData(12, 3)]
    [InlineData(31, 10)]
    public void Sign_ranks_match_the_binomial(int n, int j) => Assert.Equal(j, ExactRanks.SignRank(n, Tail));

    [Fact]
    public void The_exact_and_normal_rank_sum_agree_where_they_meet()
    {
        int exact = ExactRanks.RankSum(50, 50, Tail);     // 2,500 pairs: still exact
        int normal = ExactRanks.RankSum(51, 50, Tail);    // 2,550: normal approximation
        Assert.InRange(normal - exact, 0, 40);
    }

    [Fact]
    public void Exact_small_sample_intervals_cover_at_least_95_percent()
    {
        // Coverage of the signed-rank interval for the centre of a symmetric (uniform) distribution at n = 6..9.
        var random = new Random(11);
        foreach (int n in new[] { 6, 7, 9 })
        {
            int covered = 0, trials = 2000;
            for (int t = 0; t < trials; t++)
            {
                double[] x = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
                var e = RobustStatistics.Center(x);
                if (e.CiLow <= 0.5 && 0.5 <= e.CiHigh)
                    covered++;
            }

            Assert.InRange(covered / 2000.0, 0.94, 1.0);
        }
    }
}
