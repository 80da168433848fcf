using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Measurement;

public class RunPlanTests
{
    [Fact]
    public void The_quick_matrix_adds_the_three_shapes_at_256_functions_and_every_strategy_rolled_after_its_older_cells()
    {
        var quick = RunPlan.Quick().Select(c => c.Key.Text).ToList();
        Assert.Equal(quick.Count, quick.Distinct().Count());
        // The kernel's probes come last; the footprint and rolled cells of the emitted strategies before them.
        Assert.Equal(["uprobe-nop5/2/empty/throughput", "uprobe-trap/2/empty/throughput", "uretprobe/2/empty/throughput"], quick.TakeLast(3));
        int older = quick.Count - 3 - StrategyCatalog.UserSpace.Count - 3;
        Assert.Equal(["min-regs/2/empty/throughput/functions=256", "direct/2/empty/throughput/functions=256", "direct-call/2/empty/throughput/functions=256"],
            quick.Where(k => k.Contains("functions=", StringComparison.Ordinal)));
        Assert.Equal(StrategyCatalog.UserSpace.Select(s => $"{s.Name}/2/empty/throughput/caller=rolled"), quick.Where(k => k.Contains("caller=", StringComparison.Ordinal)));
        Assert.All(quick.Take(older), k => Assert.DoesNotContain("functions=", k, StringComparison.Ordinal));
        Assert.All(quick.Take(older), k => Assert.DoesNotContain("caller=", k, StringComparison.Ordinal));
    }

    [Fact]
    public void Publishing_measures_every_shape_up_to_4096_functions_and_every_strategy_under_every_caller()
    {
        var keys = RunPlan.Publish().Select(c => c.Key).ToList();
        Assert.All(keys, k => Assert.True(k.TryValidate(out string? why), why));
        var published = keys.Select(k => k.Text).ToList();
        Assert.Equal(published.Count, published.Distinct().Count());
        Assert.True(RunPlan.Quick().Concat(RunPlan.Mitigations()).All(c => published.Contains(c.Key.Text)));
        foreach (var strategy in new[] { StrategyCatalog.None, StrategyCatalog.MinRegs, StrategyCatalog.Direct, StrategyCatalog.DirectCall })
        foreach (int m in RunPlan.FunctionSweep)
            Assert.Contains(new CellKey(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Functions = m }.Text, published);
        foreach (var strategy in StrategyCatalog.UserSpace)
        foreach (var caller in CallerContexts.All)
            Assert.Contains(new CellKey(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Caller = caller }.Text, published);
    }

    [Fact]
    public void A_selection_skips_the_combinations_the_cell_rules_refuse_with_their_reason()
    {
        var plan = RunPlan.Select([StrategyCatalog.Direct, StrategyCatalog.IpModifyMin], [2], [HandlerKind.Empty], [MeasurementMode.Throughput],
            out var skipped, functions: [1, 4096], callers: [CallerContext.Unrolled, CallerContext.Rolled]);
        Assert.Equal(["direct/2/empty/throughput", "direct/2/empty/throughput/caller=rolled", "direct/2/empty/throughput/functions=4096",
            "ipmodify-min/2/empty/throughput", "ipmodify-min/2/empty/throughput/caller=rolled"], plan.Select(c => c.Key.Text));
        Assert.Equal(3, skipped.Count);
        Assert.Contains(skipped, s => s.StartsWith("ipmodify-min args=2 empty throughput functions=4096: strategy ipmodify-min redirects", StringComparison.Ordinal));
    }
}
