using HookBench.Comparison;
using HookBench.Results;
using HookBench.Tests.Results;
using Xunit;

namespace HookBench.Tests.Comparison;

public class ComparerTests
{
    /// <summary>A run whose cells have 40 samples around the given overheads (a fixed, reproducible jitter).</summary>
    static ComparableRun Run(string name, params (string Strategy, double Overhead)[] cells)
    {
        var random = new Random(name.Length * 7919 + cells.Length);
        var summary = SummaryFilesTests.Sample(cells);
        var withSamples = summary with
        {
            Cells = [.. summary.Cells.Select(c => c with
            {
                OverheadSamplesNs = [.. Enumerable.Range(0, 40).Select(_ => c.OverheadNs.Median + (random.NextDouble() - 0.5) * 0.04)],
            })],
        };
        return RunLoader.FromSummary(name, withSamples);
    }

    static Verdict VerdictOf(ComparisonReport report, string strategy) =>
        report.Cells.Single(c => c.Key.StartsWith(strategy + "/", StringComparison.Ordinal)).Verdict;

    [Fact]
    public void Known_shifts_are_classified_by_the_threshold_and_the_noise_floor()
    {
        var before = Run("base", ("direct", 2.0), ("min-regs", 2.0), ("full-regs", 6.0), ("none", 0.0), ("ipmodify-min", 7.0));
        var after = Run("current", ("direct", 2.5), ("min-regs", 1.5), ("full-regs", 6.2), ("none", 0.05), ("ipmodify-min", 7.0));
        var report = Comparer.Compare(before, after, new Thresholds());
        Assert.Equal(Verdict.Slower, VerdictOf(report, "direct"));        // +0.5 ns > max(0.1, 5% of 2.0)
        Assert.Equal(Verdict.Faster, VerdictOf(report, "min-regs"));      // −0.5 ns
        Assert.Equal(Verdict.Same, VerdictOf(report, "full-regs"));       // +0.2 ns < 5% of 6.0 = 0.3
        Assert.Equal(Verdict.Same, VerdictOf(report, "none"));            // +0.05 ns under the 0.1 ns noise floor
        Assert.Equal(Verdict.Same, VerdictOf(report, "ipmodify-min"));
        Assert.True(report.HasRegression);
    }

    [Fact]
    public void Identical_runs_flag_nothing_and_have_a_geomean_of_one()
    {
        var report = Comparer.Compare(Run("a", ("direct", 2.0), ("full-regs", 6.0)), Run("a", ("direct", 2.0), ("full-regs", 6.0)), new Thresholds());
        Assert.All(report.Cells, c => Assert.Equal(Verdict.Same, c.Verdict));
        Assert.Equal(1.0, report.GeomeanRatio!.Value, 9);
        Assert.False(report.HasRegression);
    }

    [Fact]
    public void Cells_on_one_side_only_are_new_or_missing()
    {
        var report = Comparer.Compare(Run("a", ("direct", 2.0), ("min-regs", 2.0)), Run("b", ("direct", 2.0), ("full-regs", 6.0)), new Thresholds());
        Assert.Equal(Verdict.New, VerdictOf(report, "full-regs"));
        Assert.Equal(Verdict.Missing, VerdictOf(report, "min-regs"));
        Assert.False(report.HasRegression);
    }

    [Fact]
    public void A_tighter_threshold_catches_a_smaller_shift()
    {
        var before = Run("base", ("full-regs", 6.0));
        var after = Run("current", ("full-regs", 6.2));
        Assert.Equal(Verdict.Same, VerdictOf(Comparer.Compare(before, after, new Thresholds(0.05)), "full-regs"));
        Assert.Equal(Verdict.Slower, VerdictOf(Comparer.Compare(before, after, new Thresholds(0.01)), "full-regs"));
    }

    [Fact]
    public void Runs_with_no_cell_in_common_are_refused()
    {
        var error = Assert.Throws<UsageException>(() => Comparer.Compare(Run("a", ("direct", 2.0)), Run("b", ("full-regs", 6.0)), new Thresholds()));
        Assert.Contains("no cells in common", error.Message);
    }

    [Fact]
    public void Different_cpus_or_kernels_raise_a_warning_banner()
    {
        var before = Run("a", ("direct", 2.0));
        var after = before with { Origin = before.Origin with { Cpu = "Other CPU", Kernel = "6.12.0" } };
        var report = Comparer.Compare(before, after, new Thresholds());
        Assert.Equal(2, report.Warnings.Count);
        Assert.Contains("> [!WARNING]", ComparisonMarkdown.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void The_markdown_report_matches_its_golden_file()
    {
        var before = Run("base.json", ("direct", 2.0), ("min-regs", 2.0), ("full-regs", 6.0), ("none", 0.0));
        var after = Run("current.json", ("direct", 2.5), ("min-regs", 1.5), ("full-regs", 6.0), ("ipmodify-min", 7.0));
        GoldenFiles.AssertMatches("compare.md", ComparisonMarkdown.Render(Comparer.Compare(before, after, new Thresholds())));
    }
}
