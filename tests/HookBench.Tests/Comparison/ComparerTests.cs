using HookBench.Comparison;
using HookBench.Results;
using HookBench.Statistics;
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
                OverheadSampleRounds = [.. Enumerable.Range(0, 40).Select(i => i / 2)],
            })],
        };
        return RunLoader.FromSummary(name, withSamples);
    }

    /// <summary>The run as a summary whose every round read the core clock at <paramref name="coreHz"/>, its ns figures × <paramref name="nsScale"/>.</summary>
    static RunSummary Clocked(double coreHz, double nsScale, params (string Strategy, double Overhead)[] cells)
    {
        var random = new Random(5);
        var summary = SummaryFilesTests.Sample(cells);
        return summary with
        {
            Environment = summary.Environment with { CoreHzEstimate = coreHz },
            Clock = new CoreClockSummary
            {
                CoreHz = new Estimate(coreHz, coreHz, coreHz),
                ImulRatio = new Estimate(3, 3, 3),
                Method = "test",
                Rounds = [.. Enumerable.Range(0, 20).Select(r => new RoundClock(r, r, coreHz, 3))],
            },
            Cells = [.. summary.Cells.Select(c => c with
            {
                NsPerCall = c.NsPerCall.Times(nsScale),
                OverheadSamplesNs = [.. Enumerable.Range(0, 40).Select(_ => (c.OverheadNs.Median + (random.NextDouble() - 0.5) * 0.04) * nsScale)],
                OverheadSampleRounds = [.. Enumerable.Range(0, 40).Select(i => i / 2)],
            })],
        };
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

    [Fact]
    public void A_clock_change_is_one_line_and_flags_no_cell()
    {
        (string, double)[] cells = [("direct", 2.0), ("min-regs", 2.2), ("full-regs", 5.8), ("ipmodify-full", 14.0)];
        var before = RunLoader.FromSummary("before", Clocked(4.07e9, 1.0, cells));
        // The core clock drops 14%: every ns figure grows by 1/0.86, every round reads the lower clock.
        var slowClock = RunLoader.FromSummary("after", Clocked(4.07e9 * 0.86, 1 / 0.86, cells));
        var report = Comparer.Compare(before, slowClock, new Thresholds());
        Assert.All(report.Cells, c => Assert.Equal(Verdict.Same, c.Verdict));
        Assert.False(report.HasRegression);
        Assert.Equal(-0.14, report.Clock!.Relative, 6);
        string text = ComparisonMarkdown.Render(report);
        Assert.Contains("core clock −14.0% (4.070 → 3.500 GHz): a machine-wide shift", text, StringComparison.Ordinal);
        Assert.DoesNotContain("#### Slower", text, StringComparison.Ordinal);

        // The same ns figures with the clock unchanged are a real slowdown in cycles: the gate is not blind.
        var slowCode = RunLoader.FromSummary("after", Clocked(4.07e9, 1 / 0.86, cells));
        Assert.All(Comparer.Compare(before, slowCode, new Thresholds()).Cells, c => Assert.Equal(Verdict.Slower, c.Verdict));
    }

    [Fact]
    public void A_cell_that_missed_its_precision_target_is_reported_and_not_gated()
    {
        var summary = Clocked(4e9, 1.0, ("direct", 2.0), ("full-regs", 6.0));
        var imprecise = Clocked(4e9, 1.5, ("direct", 2.0), ("full-regs", 6.0));
        imprecise = imprecise with { Cells = [.. imprecise.Cells.Select(c => c.Strategy == "direct" ? c with { Precision = new CellPrecision(false, 0.9, 0.19) } : c)] };
        var report = Comparer.Compare(RunLoader.FromSummary("a", summary), RunLoader.FromSummary("b", imprecise), new Thresholds());
        var direct = report.Cells.Single(c => c.Key.StartsWith("direct/", StringComparison.Ordinal));
        Assert.Equal(Verdict.NotGated, direct.Verdict);
        Assert.Equal("current missed its precision target (±0.90 ns against ±0.19 allowed)", direct.Reason);
        Assert.Equal(Verdict.Slower, VerdictOf(report, "full-regs"));
        Assert.Contains("| direct/2/empty/throughput | current missed its precision target", ComparisonMarkdown.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Deterministic_figures_change_on_any_difference_and_growth_fails_the_gate()
    {
        var summary = Clocked(4e9, 1.0, ("direct", 2.0), ("full-regs", 6.0));
        var fewer = summary with { Cells = [.. summary.Cells.Select(c => c.Strategy == "direct" ? c with { InstructionsPerCall = c.InstructionsPerCall - 1 } : c)] };
        var report = Comparer.Compare(RunLoader.FromSummary("a", summary), RunLoader.FromSummary("b", fewer), new Thresholds());
        var change = Assert.Single(report.ExactChanges);
        Assert.Equal(("direct/2/empty/throughput", "instructions per call", 18, 17), (change.Key, change.Metric, change.Base, change.Current));
        Assert.False(report.HasRegression);

        var bigger = summary with { Cells = [.. summary.Cells.Select(c => c with { StackBytes = 64, HookCodeBytes = 100 })] };
        var grown = bigger with { Cells = [.. bigger.Cells.Select(c => c.Strategy == "full-regs" ? c with { StackBytes = 72 } : c)] };
        report = Comparer.Compare(RunLoader.FromSummary("a", bigger), RunLoader.FromSummary("b", grown), new Thresholds());
        Assert.Equal("stack bytes", Assert.Single(report.ExactChanges).Metric);
        Assert.True(report.HasRegression);
        Assert.All(report.Cells, c => Assert.Equal(Verdict.Same, c.Verdict));
        Assert.Contains("| full-regs/2/empty/throughput | stack bytes | 64 | 72 | more (fails the gate) |", ComparisonMarkdown.Render(report), StringComparison.Ordinal);
    }
}
