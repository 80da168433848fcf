using HookBench.Comparison;
using HookBench.Results;
using HookBench.Statistics;
using HookBench.Tests.Cli;
using HookBench.Tests.Measurement;
using HookBench.Tests.Results;
using Xunit;

namespace HookBench.Tests.Comparison;

[Collection(TimingCollection.Name)]
public sealed class AbAndCoverageTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "hookbench-ab-" + Guid.NewGuid().ToString("N"));

    public AbAndCoverageTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_ab_schedule_alternates_so_drift_hits_both_builds()
    {
        Assert.Equal("AB", new string([.. RunMerge.Schedule(1)]));
        Assert.Equal("ABBA", new string([.. RunMerge.Schedule(2)]));
        Assert.Equal("ABBAAB", new string([.. RunMerge.Schedule(3)]));
    }

    [Fact]
    public void Merged_runs_keep_every_runs_clusters_apart()
    {
        var run = RunLoader.FromSummary("a", SummaryFilesTests.Sample(("direct", 2.0)));
        var merged = RunMerge.Merge("both", [run, run]);
        var cell = merged.Cells.Values.Single();
        Assert.Equal(24, cell.Samples.Count);
        Assert.Equal(24, cell.ClusterMedians().Length);      // 12 rounds in each run, none shared
        Assert.Equal("both", merged.Origin.Source);
    }

    [Fact]
    public void A_coverage_study_counts_failing_pairs_and_intervals_that_miss_the_pooled_figure()
    {
        // The sample files record a 4 GHz core clock: their cycle intervals are the ns ones × 4.
        RunSummary Run(double direct)
        {
            var summary = SummaryFilesTests.Sample(("direct", direct), ("full-regs", 6.0));
            return summary with { Cells = [.. summary.Cells.Select(c => c with { OverheadCyclesEstimate = c.OverheadNs.Times(4) })] };
        }

        var runs = new[] { ("r1", Run(2.0)), ("r2", Run(2.0)), ("r3", Run(2.0)), ("r4", Run(2.6)) };
        var study = CoverageStudy.Run(runs, new Thresholds());
        Assert.Equal(6, study.Pairs.Count);
        Assert.Equal(3, study.FailedPairs);                   // r4 against each other run: direct moved +0.6 ns
        var direct = study.Cells.Single(c => c.Key.StartsWith("direct/", StringComparison.Ordinal));
        Assert.Equal(4, direct.Runs);
        Assert.Equal(3, direct.Covering);                     // the pooled figure sits with r1..r3, outside r4's [2.5; 2.7]
        Assert.Equal(7.0 / 8, study.Coverage, 9);
        Assert.Equal(3, direct.CoveringNs);
        Assert.Equal(4 * direct.PooledNs, direct.PooledCycles, 6);     // counted in cycles (the metric compare gates on) at the 4 GHz clock
        Assert.Contains("Pairwise compares: 3 of 6 exit 0", study.Render(), StringComparison.Ordinal);
        Assert.Contains("in core cycles (what compare gates on)", study.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_cycle_intervals_covers_nothing_in_cycles()
    {
        var runs = new[] { ("r1", SummaryFilesTests.Sample(("direct", 2.0))), ("r2", SummaryFilesTests.Sample(("direct", 2.0))) };
        var study = CoverageStudy.Run(runs, new Thresholds());
        Assert.Equal(0, study.Coverage);                      // no interval in the file: nothing to count as covering
        Assert.Equal(1, study.CoverageNs);
    }

    [Fact]
    public void Bad_ab_and_coverage_input_gets_one_line_and_exit_2()
    {
        string build = AppContext.BaseDirectory;
        (string[] Args, string Message)[] cases =
        [
            (["ab", Path.Combine(_dir, "nope"), build], "BUILD_A"),
            (["ab", build, build, "--pairs", "0"], "--pairs must be an integer in 1..20"),
            (["ab", build, build, "--", "--out", "x"], "ab chooses each run's --out itself"),
            (["coverage", Path.Combine(_dir, "nope")], "does not exist; give a summary.json or a result folder holding one"),
        ];
        foreach (var (args, message) in cases)
        {
            var (exit, _, error) = CliHarness.Run(args);
            Assert.True(exit == 2, $"{string.Join(' ', args)} → {exit}: {error}");
            Assert.Contains(message, error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
        }
    }

    [Fact]
    public void Ab_runs_both_builds_alternately_and_compares_them()
    {
        string build = AppContext.BaseDirectory;     // the test's own copy of hookbench.dll stands in for both builds
        string output = Path.Combine(_dir, "ab");
        var (exit, text, error) = CliHarness.Run(
            "ab", build, build, "--pairs", "1", "--out", output, "--",
            "--strategies", "none", "--args", "2", "--mode", "serialized", "--reps", "48", "--measure-ms", "0.1");
        Assert.True(exit is 0 or 1, error);
        Assert.Contains("Same-job A/B: 1 run of each build alternated AB", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "01-a", "summary.json")));
        Assert.True(File.Exists(Path.Combine(output, "02-b", "summary.json")));
        Assert.True(File.Exists(Path.Combine(output, "compare.md")));
    }
}
