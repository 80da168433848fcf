using HookBench.Comparison;
using Xunit;

namespace HookBench.Tests.Comparison;

/// <summary>Cells measured on one placement are reported but never gated: their interval cannot hold placement variance.</summary>
public class SinglePlacementTests
{
    [Fact]
    public void Footprint_cells_of_a_published_run_are_not_gated_and_say_why()
    {
        string published = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "results"), "summary.json", SearchOption.AllDirectories)
            .First(f => File.ReadAllText(f).Contains("\"functions\": 256", StringComparison.Ordinal));
        var run = RunLoader.Load(published);
        var report = Comparer.Compare(run, run, new Thresholds());
        var footprint = report.Cells.Where(c => c.Key.Contains("/functions=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(footprint);
        Assert.All(footprint, c =>
        {
            Assert.Equal(Verdict.NotGated, c.Verdict);
            Assert.Equal("base " + SummaryCells.SinglePlacementReason, c.Reason);
        });
        Assert.Contains(report.Cells, c => !c.Key.Contains("/functions=", StringComparison.Ordinal) && c.Verdict == Verdict.Same);
    }

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bench.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Bench.sln not found above the test binaries");
    }
}
