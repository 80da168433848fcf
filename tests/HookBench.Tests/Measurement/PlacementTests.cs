using HookBench.Abi;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Measurement;

[Collection(TimingCollection.Name)]
public class PlacementTests
{
    [Fact]
    public void Placements_cover_every_line_of_a_page_before_repeating()
    {
        var offsets = Enumerable.Range(0, 64).Select(PlacementLayout.CodeOffsetOf).ToList();
        Assert.Equal(0, offsets[0]);
        Assert.Equal(64, offsets.Distinct().Count());
        Assert.All(offsets, o => Assert.True(o % 64 == 0 && o < 4096));
    }

    [Fact]
    public void Placements_spread_the_harness_stack_over_every_16_byte_slot_of_its_page()
    {
        var offsets = Enumerable.Range(0, 256).Select(PlacementLayout.StackOffsetOf).ToList();
        Assert.Equal(0, offsets[0]);
        Assert.Equal(256, offsets.Distinct().Count());
        Assert.All(offsets, o => Assert.True(o % 16 == 0 && o < HookBench.Native.HarnessStack.OffsetRange));
    }

    [Fact]
    public void Layouts_are_a_function_of_seed_cell_and_index_and_differ_between_them()
    {
        var a = PlacementLayout.For(1, "direct/2/empty/throughput", 3);
        Assert.Equal(a, PlacementLayout.For(1, "direct/2/empty/throughput", 3));     // the same in every run with this seed
        Assert.NotEqual(a.HookedAddress, PlacementLayout.For(1, "direct/2/empty/throughput", 4).HookedAddress);
        Assert.NotEqual(a.HookedAddress, PlacementLayout.For(2, "direct/2/empty/throughput", 3).HookedAddress);
        Assert.NotEqual(a.HookedAddress, PlacementLayout.For(1, "min-regs/2/empty/throughput", 3).HookedAddress);
        Assert.NotEqual(a.BaselineAddress, a.HookedAddress);
        foreach (var layout in Enumerable.Range(0, 100).Select(i => PlacementLayout.For(7, "x", i)))
        {
            Assert.Equal(0UL, layout.HookedAddress % 4096);
            Assert.InRange(layout.BaselineAddress, PlacementLayout.LowestAddress, PlacementLayout.LowestAddress + PlacementLayout.AddressSpan - 1);
        }
    }

    [Fact]
    public void A_measured_copy_lands_where_its_layout_asks_and_runs_on_its_own_stack()
    {
        var layout = PlacementLayout.For(1, "min-regs/2/counter/throughput", 9);
        Assert.True(CellKey.TryParse("min-regs/2/counter/throughput", out var key, out _));
        var spec = new CellSpec(key!);
        using var code = (OneFunctionCode)MeasuredCode.Prepare(spec, layout, hooked: true);
        // The system may refuse a hint when the range is taken; in a fresh address space this one is free.
        Assert.Equal(layout.HookedAddress, code.Set.Arena.CodeBase);
        Assert.Equal((ulong)layout.CodeOffset, code.Set.Target.Address - code.Set.Arena.CodeBase - (ulong)StartOfCode(spec));
        code.Attach();
        Assert.True(code.Run(4) > 0);
        Assert.Equal(4UL * 16, code.CallsMade);
    }

    /// <summary>Where the target starts at code offset 0 (blobs before it, such as handlers, do not move relative to one another).</summary>
    static int StartOfCode(CellSpec spec)
    {
        using var code = (OneFunctionCode)MeasuredCode.Prepare(spec, PlacementLayout.Default, hooked: false);
        return (int)(code.Set.Target.Address - code.Set.Arena.CodeBase);
    }

    [Fact]
    public void A_placement_moves_the_code_without_changing_it()
    {
        var options = new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 3, CallingConvention.Host);
        using var first = HookSetBuilder.Build(options);
        using var moved = HookSetBuilder.Build(options with { CodeOffset = PlacementLayout.CodeOffsetOf(5) });
        Assert.Equal((ulong)PlacementLayout.CodeOffsetOf(5), (moved.Target.Address - moved.Arena.CodeBase) - (first.Target.Address - first.Arena.CodeBase));
        first.Attach();
        moved.Attach();
        Assert.Equal(ExecutedPath.Walk(first).Instructions, ExecutedPath.Walk(moved).Instructions);
        Assert.Equal(HookCodeBytes(first), HookCodeBytes(moved));
        Assert.Equal(StackProbe.Measure(first), StackProbe.Measure(moved));
    }

    [Fact]
    public void Stack_bytes_count_every_frame_below_the_callers_rsp()
    {
        int Stack(Strategy strategy, bool attach)
        {
            using var set = HookSetBuilder.Build(new HookSetOptions(strategy, HandlerKind.Empty, 2, CallingConvention.Host));
            if (attach)
                set.Attach();
            return StackProbe.Measure(set);
        }

        Assert.Equal(8, Stack(StrategyCatalog.None, attach: true));             // the caller's return address; the target is a leaf
        Assert.Equal(8, Stack(StrategyCatalog.FullRegs, attach: false));        // unhooked: the site is a NOP
        Assert.Equal(16, Stack(StrategyCatalog.DirectCall, attach: true));      // + the site's call into the handler
        Assert.True(Stack(StrategyCatalog.FullRegs, attach: true) >= 8 + 8 + 21 * 8, "full-regs saves a 21-qword pt_regs below the site's return address");
    }

    [Fact]
    public void Hook_code_bytes_are_the_trampoline_and_handlers_only()
    {
        using var none = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.None, HandlerKind.Empty, 2, CallingConvention.Host));
        using var direct = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.DirectCall, HandlerKind.Empty, 2, CallingConvention.Host));
        none.Attach();
        direct.Attach();
        Assert.Equal(0, HookCodeBytes(none));
        Assert.Equal(1, HookCodeBytes(direct));      // the empty handler is a lone ret
    }

    /// <summary>The summary's hook_code_bytes for one function: distinct hook instructions one call executes.</summary>
    static int HookCodeBytes(HookSet set)
    {
        var hooks = new HookCode(set.Blobs);
        ExecutedPath.Walk(set.Arena, set.EntryPoint, set.PathFacts, hooks.Visit);
        return hooks.Bytes;
    }

    [Fact]
    public void Hook_code_bytes_count_the_kernel_runtime_a_hook_with_several_callbacks_runs()
    {
        var options = new HookSetOptions(StrategyCatalog.OpsList, HandlerKind.Empty, 2, CallingConvention.Host)
        {
            Attach = new HookBench.Cells.Attachment { Ops = 4, Match = 0.5m },
        };
        using var set = HookSetBuilder.Build(options);
        set.Attach();
        // The distinct instructions one call executes, by the kind of blob they sit in.
        var executed = new Dictionary<ulong, (HookBench.Emission.BlobKind Kind, int Length)>();
        ExecutedPath.Walk(set.Arena, set.EntryPoint, set.PathFacts, i =>
        {
            if (set.Blobs.FirstOrDefault(b => i.IP >= b.Address && i.IP < b.End) is { } blob)
                executed[i.IP] = (blob.Kind, i.Length);
        });
        int Executed(HookBench.Emission.BlobKind kind) => executed.Values.Where(e => e.Kind == kind).Sum(e => e.Length);
        int runtime = Executed(HookBench.Emission.BlobKind.Runtime);
        Assert.True(runtime > 100, $"ftrace_ops_list_func and ftrace_ops_test are hook code; {runtime} bytes ran");
        Assert.Equal(Executed(HookBench.Emission.BlobKind.Trampoline) + runtime + 2, HookCodeBytes(set));     // + the two matching empty callbacks
    }
}
