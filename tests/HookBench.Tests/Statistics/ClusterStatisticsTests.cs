using HookBench.Statistics;
using Xunit;

namespace HookBench.Tests.Statistics;

public class ClusterStatisticsTests
{
    [Fact]
    public void Cluster_medians_follow_first_appearance()
    {
        double[] samples = [5, 1, 9, 2, 3, 100];
        int[] clusters = [7, 3, 7, 3, 3, 7];
        Assert.Equal([9.0, 2.0], ClusterStatistics.ClusterMedians(samples, clusters));
    }

    [Fact]
    public void An_interval_over_clusters_is_wider_than_one_over_repetitions_when_clusters_differ()
    {
        // 12 rounds of 4 repetitions; each round has its own offset (a placement), repetitions agree closely within it.
        var random = new Random(3);
        var samples = new List<double>();
        var clusters = new List<int>();
        for (int round = 0; round < 12; round++)
        {
            double offset = random.NextDouble() * 0.4;
            for (int r = 0; r < 4; r++)
            {
                samples.Add(2 + offset + random.NextDouble() * 0.01);
                clusters.Add(round);
            }
        }

        var clustered = ClusterStatistics.Location(samples, clusters);
        var naive = RobustStatistics.Center(samples);
        Assert.True(clustered.HasInterval);
        Assert.True(clustered.HalfWidth > 1.5 * naive.HalfWidth, $"clustered {clustered}, naive {naive}");
    }

    [Fact]
    public void Repetitions_without_rounds_cluster_in_consecutive_groups()
    {
        Assert.Equal([0, 0, 0, 1, 1, 1, 2], ClusterStatistics.ConsecutiveClusters(7, 3));
    }

    [Fact]
    public void Fewer_than_six_clusters_have_no_95_percent_interval()
    {
        double[] samples = [.. Enumerable.Range(0, 40).Select(i => (double)i)];
        Assert.False(ClusterStatistics.Location(samples, ClusterStatistics.ConsecutiveClusters(40, 8)).HasInterval);    // 5 clusters
        Assert.True(ClusterStatistics.Location(samples, ClusterStatistics.ConsecutiveClusters(40, 5)).HasInterval);     // 8 clusters
    }

    [Fact]
    public void With_placement_effects_the_cluster_interval_keeps_its_coverage_and_the_naive_one_loses_it()
    {
        // 12 rounds of 4 repetitions; each round's placement shifts it (sd 0.1), repetitions scatter less (sd 0.03).
        var random = new Random(17);
        int clustered = 0, naive = 0, trials = 400;
        for (int t = 0; t < trials; t++)
        {
            var samples = new List<double>();
            var clusters = new List<int>();
            for (int round = 0; round < 12; round++)
            {
                double placement = Normal(random) * 0.1;
                for (int r = 0; r < 4; r++)
                {
                    samples.Add(2 + placement + Normal(random) * 0.03);
                    clusters.Add(round);
                }
            }

            var c = ClusterStatistics.Location(samples, clusters);
            var n = RobustStatistics.Center(samples);
            clustered += c.CiLow <= 2 && 2 <= c.CiHigh ? 1 : 0;
            naive += n.CiLow <= 2 && 2 <= n.CiHigh ? 1 : 0;
        }

        Assert.InRange(clustered / (double)trials, 0.92, 1.0);
        Assert.InRange(naive / (double)trials, 0.0, 0.85);
    }

    static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
