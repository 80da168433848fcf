using System.Text.Json.Nodes;
using HookBench.Comparison;
using HookBench.Tests.Hostile;
using Xunit;

namespace HookBench.Tests.Comparison;

/// <summary>
/// Footprint cells measured on one placement (files written before footprint sets moved every round) are reported but
/// never gated: their interval cannot hold placement variance. Those measured on a placement per round are gated.
/// </summary>
public sealed class SinglePlacementTests : IDisposable
{
    readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hookbench-placements-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Footprint_cells_on_one_placement_are_not_gated_and_say_why()
    {
        var report = CompareWithItself(placements: 1);
        var footprint = report.Cells.Where(c => c.Key.Contains("/functions=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(footprint);
        Assert.All(footprint, c =>
        {
            Assert.Equal(Verdict.NotGated, c.Verdict);
            Assert.Equal("base " + SummaryCells.SinglePlacementReason, c.Reason);
        });
        Assert.Contains(report.Cells, c => !c.Key.Contains("/functions=", StringComparison.Ordinal) && c.Verdict == Verdict.Same);
    }

    [Fact]
    public void Footprint_cells_on_a_placement_per_round_are_gated()
    {
        var report = CompareWithItself(placements: null);      // as recorded: one placement per round
        var footprint = report.Cells.Where(c => c.Key.Contains("/functions=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(footprint);
        Assert.All(footprint, c => Assert.Equal(Verdict.Same, c.Verdict));
    }

    ComparisonReport CompareWithItself(int? placements)
    {
        var root = JsonNode.Parse(RealResults.CurrentSummary)!;
        foreach (var cell in root["cells"]!.AsArray())
        {
            if (placements is int p && cell!["functions"]!.GetValue<int>() > 1)
                cell["placements"] = p;
        }

        string file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, root.ToJsonString());
        var run = RunLoader.Load(file);
        return Comparer.Compare(run, run, new Thresholds());
    }
}
