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
        var offsets = Enumerable.Range(0, 64).Select(CellRunner.CodeOffset).ToList();
        Assert.Equal(0, offsets[0]);
        Assert.Equal(64, offsets.Distinct().Count());
        Assert.All(offsets, o => Assert.True(o % 64 == 0 && o < 4096));
    }

    [Fact]
    public void A_placement_moves_the_code_without_changing_it()
    {
        var options = new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 3, CallingConvention.Host);
        using var first = HookSetBuilder.Build(options);
        using var moved = HookSetBuilder.Build(options with { CodeOffset = CellRunner.CodeOffset(5) });
        Assert.Equal((ulong)CellRunner.CodeOffset(5), (moved.Target.Address - moved.Arena.CodeBase) - (first.Target.Address - first.Arena.CodeBase));
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
