using CsCheck;
using HookBench.Statistics;
using Xunit;

namespace HookBench.Tests.Statistics;

public class RobustStatisticsTests
{
    [Fact]
    public void The_median_of_1_to_31_is_16_with_the_sign_test_interval_from_the_10th_to_the_22nd()
    {
        var e = RobustStatistics.Median([.. Enumerable.Range(1, 31).Select(i => (double)i).Reverse()]);
        Assert.Equal(new Estimate(16, 10, 22), e);
    }

    [Fact]
    public void Too_few_samples_for_a_95_percent_interval_have_none()
    {
        // Five values: the whole range covers the median with probability 1 − 2/32 = 93.75% only.
        var e = RobustStatistics.Median([3.0, 1.0, 2.0, 5.0, 4.0]);
        Assert.Equal(Estimate.PointOnly(3), e);
        Assert.False(e.HasInterval);
        Assert.Equal("3.00 (no 95% interval)", e.Format());
        Assert.True(RobustStatistics.Median([.. Enumerable.Range(1, 6).Select(i => (double)i)]).HasInterval);
        Assert.False(RobustStatistics.Center([1.0, 2, 3, 4, 5]).HasInterval);
        Assert.False(RobustStatistics.Shift([1.0, 2, 3], [4.0, 5, 6]).HasInterval);
    }

    [Fact]
    public void Signed_figures_that_round_to_zero_print_as_plus_zero()
    {
        Assert.Equal("+0.000 [-0.357; +0.353]", new Estimate(-0.00001, -0.357, 0.353).FormatSigned());
        Assert.Equal("-0.239 (no 95% interval)", Estimate.PointOnly(-0.239).FormatSigned());
    }

    [Fact]
    public void A_sample_shifted_by_a_constant_has_exactly_that_shift_and_an_interval_around_it()
    {
        double[] x = [.. Enumerable.Range(1, 200).Select(i => (double)i)];
        double[] y = [.. x.Select(v => v + 100)];
        var e = RobustStatistics.Shift(x, y);
        Assert.Equal(100, e.Median, 9);
        // Pragmastat's published example: x = 1..200, y = 101..300 has shift bounds [80, 120] at misrate 1e-3;
        // a 95% interval is narrower but still around 100.
        Assert.InRange(e.CiLow!.Value, 80, 100);
        Assert.InRange(e.CiHigh!.Value, 100, 120);
        Assert.True(e.CiHigh - e.CiLow > 10);
    }

    [Fact]
    public void The_shift_of_y_over_x_is_the_negative_of_x_over_y()
    {
        double[] x = [1, 4, 2, 8, 5, 7];
        double[] y = [10, 12, 9, 14, 11, 13];
        Assert.Equal(RobustStatistics.Shift(x, y).Median, -RobustStatistics.Shift(y, x).Median, 9);
    }

    [Fact]
    public void Far_outliers_are_counted_not_mistaken()
    {
        double[] values = [.. Enumerable.Range(1, 20).Select(i => 10 + i * 0.01), 1000];
        Assert.Equal(1, RobustStatistics.CountOutliers(values));
        Assert.Equal(0, RobustStatistics.CountOutliers([.. Enumerable.Range(1, 20).Select(i => (double)i)]));
    }

    [Fact]
    public void Random_samples_shifted_by_c_estimate_c_inside_their_interval()
    {
        Gen.Select(Gen.Double[0, 100].Array[8, 60], Gen.Double[-50, 50])
            .Sample((x, c) =>
            {
                var e = RobustStatistics.Shift(x, [.. x.Select(v => v + c)]);
                return Math.Abs(e.Median - c) < 1e-6 && e.CiLow <= c + 1e-6 && e.CiHigh >= c - 1e-6;
            }, iter: 300);
    }

    [Fact]
    public void The_median_interval_always_contains_the_median()
    {
        Gen.Double[-1e6, 1e6].Array[1, 200].Sample(x =>
        {
            var e = RobustStatistics.Median(x);
            return e.HasInterval == x.Length >= 6 && (!e.HasInterval || (e.CiLow <= e.Median && e.Median <= e.CiHigh));
        }, iter: 300);
    }

    [Fact]
    public void About_95_percent_of_intervals_cover_the_true_shift()
    {
        var random = new Random(7);
        int covered = 0, trials = 400;
        for (int t = 0; t < trials; t++)
        {
            double[] x = [.. Enumerable.Range(0, 31).Select(_ => Exp(random))];
            double[] y = [.. Enumerable.Range(0, 31).Select(_ => Exp(random) + 2)];
            var e = RobustStatistics.Shift(x, y);
            if (e.CiLow <= 2 && 2 <= e.CiHigh)
                covered++;
        }

        // Generous bounds: a 95% interval covering between 88% and 99.5% of 400 trials.
        Assert.InRange(covered / (double)trials, 0.88, 0.995);
    }

    static double Exp(Random random) => -Math.Log(1 - random.NextDouble());
}
