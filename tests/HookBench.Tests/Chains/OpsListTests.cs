using HookBench.Abi;
using HookBench.Cells;
using HookBench.Ftrace;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Trampolines;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Chains;

/// <summary>ftrace's list function: the filter hashes, which ops run, the recursion guard, and exact instruction counts through its loops.</summary>
public class OpsListTests
{
    // Hand-counted from the emitted list function (see the golden listing ops-list.counter.sysv.ops-4.match-0.5):
    // 36 instructions before the loop (frame, ftrace_get_regs, trace_test_and_set_recursion, preempt_disable,
    // the list head) and 14 after it; per ops whose filter misses the ip, 15 in the loop and 26 in
    // ftrace_ops_test (an empty bucket); per matching ops, 23 in the loop (with the indirect call) and 34 in
    // ftrace_ops_test (found at the bucket's first node, notrace hash empty).
    const int ListFixed = 36 + 14, PerFilteredOp = 15 + 26, PerMatchingOp = 23 + 34;

    static HookSetOptions OpsList(int ops, decimal match, HandlerKind handler = HandlerKind.Empty, CallingConvention? abi = null) =>
        new(StrategyCatalog.OpsList, handler, 2, abi ?? CallingConvention.SysV) { Attach = new Attachment { Ops = ops, Match = match } };

    static int HookedInstructions(HookSetOptions options)
    {
        using var set = HookSetBuilder.Build(options);
        set.Attach();
        return ExecutedPath.Walk(set).Instructions;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(8, 3)]
    [InlineData(17, 4)]
    [InlineData(1024, 10)]
    public void Filter_hashes_get_fls_of_half_their_count_in_bits(int count, int bits) =>
        Assert.Equal(bits, FtraceHash.SizeBitsFor(count));

    [Fact]
    public void Hash_64_is_the_golden_ratio_product_shifted_down_to_the_bucket_bits()
    {
        Assert.Equal(0UL, FtraceHash.Hash64(0xFFFF_FFFF_8100_0000, 0));
        Assert.Equal(FtraceHash.GoldenRatio64 >> 60, FtraceHash.Hash64(1, 4));
        Assert.Equal(unchecked(0x1234UL * 0x61C8864680B583EB) >> 54, FtraceHash.Hash64(0x1234, 10));
        Assert.Equal(0UL, FtraceHash.Key(0x1234, 0));
    }

    [Fact]
    public void The_matching_ops_are_spread_and_number_exactly_k_times_match()
    {
        for (int k = 1; k <= Attachment.MaxOps; k++)
        {
            for (int m = 0; m <= k; m++)
                Assert.Equal(m, Enumerable.Range(0, k).Count(i => FtraceOpsList.Matches(i, k, m)));
        }

        Assert.Equal([0, 4], Enumerable.Range(0, 8).Where(i => FtraceOpsList.Matches(i, 8, 2)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 0)]
    [InlineData(2, 0.5)]
    [InlineData(8, 0.125)]
    [InlineData(8, 1)]
    [InlineData(32, 0.0625)]
    [InlineData(32, 1)]
    public void Instruction_counts_follow_the_loop_exactly(int ops, double match)
    {
        int matching = (int)(ops * match);
        foreach (var abi in CallingConvention.All)
        {
            // min-regs is the same ftrace_caller calling one callback (an empty handler: one ret) directly.
            int perOpsTrampoline = HookedInstructions(new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Empty, 2, abi));
            int expected = perOpsTrampoline - 1 + ListFixed + PerFilteredOp * (ops - matching) + (PerMatchingOp + 1) * matching;
            Assert.Equal(expected, HookedInstructions(OpsList(ops, (decimal)match, abi: abi)));
        }
    }

    [Fact]
    public void Only_the_ops_whose_filter_holds_the_ip_run_once_per_call_and_the_rest_never()
    {
        using var set = HookSetBuilder.Build(OpsList(8, 0.25m, HandlerKind.Counter));
        set.Attach();
        NativeCallLoop.Throughput(set.Target.Address, 2, 5);
        var counts = set.Chain.Select(c => set.Arena.ReadUInt64(c.Handler.Slots.Counter.Address)).ToList();
        Assert.Equal([5UL, 0, 0, 0, 5, 0, 0, 0], counts);
        Assert.Equal(set.Chain.Select(c => c.Runs ? 5UL : 0), counts);
        Assert.All(set.Kernel!.Balance(set.Arena), f => Assert.Equal(f.Expected, f.Seen));
    }

    [Fact]
    public void Each_callback_gets_its_own_ops_and_the_trampoline_passes_ftrace_list_end()
    {
        var result = TransparencyValidator.Validate(OpsList(4, 0.5m, HandlerKind.Args, CallingConvention.Win64));
        Assert.True(result.Passed, string.Join("; ", result.Failures));
        using var set = HookSetBuilder.Build(OpsList(4, 0.5m));
        Assert.Equal(4, set.Chain.Select(c => c.Owner).Distinct().Count());
        Assert.DoesNotContain(set.OpsPointer, set.Chain.Select(c => c.Owner));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 0.5)]
    [InlineData(32, 0.0625)]
    public void The_recursion_guard_lets_one_nested_level_through_and_stops_the_next(int ops, double match)
    {
        foreach (var abi in CallingConvention.All)
        {
            var result = RecursionGuardValidator.Validate(OpsList(ops, (decimal)match, HandlerKind.Counter, abi));
            Assert.True(result.Passed, string.Join("; ", result.Failures));
        }
    }

    [Fact]
    public void A_recursion_bit_never_released_is_caught()
    {
        var result = TransparencyValidator.Validate(OpsList(4, 0.5m, HandlerKind.Counter) with { Mutation = TrampolineMutation.SkipRecursionRelease });
        Assert.False(result.Passed);
        // The first call leaves the bit set, the second passes on the transition bit, the third is dropped.
        Assert.Contains(result.Failures, f => f.Check == "op 0 calls" && f.Detail.StartsWith("2,", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Check == "current->trace_recursion after the calls");
    }

    [Fact]
    public void An_op_called_twice_is_caught()
    {
        var result = TransparencyValidator.Validate(OpsList(4, 0.5m, HandlerKind.Counter) with { Mutation = TrampolineMutation.CallCallbackTwice });
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check == "op 0 calls" && f.Detail.StartsWith("6,", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Check == "op 2 counter");
    }

    [Fact]
    public void Every_validated_shape_passes_with_nothing_skipped()
    {
        var cases = ValidationCases.All(StrategyCatalog.OpsList, [HookBench.Mitigations.MitigationProfiles.None]).ToList();
        Assert.Equal(ValidationCases.Shapes(StrategyCatalog.OpsList).Count * 3 * 7 * 2 * 2, cases.Count);
        Assert.Contains(cases, c => c.Attach.Ops == 32 && c.Attach.MatchingOps == 2);
        Assert.Contains(cases, c => c.Attach.MatchingOps == 0);
    }
}
