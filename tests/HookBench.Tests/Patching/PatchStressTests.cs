using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Patching.Stress;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;

namespace HookBench.Tests.Patching;

/// <summary>A stress run small enough for CI, per safe patcher, and the caller loop's checks catching what they must.</summary>
[Collection(SigtrapCollection.Name)]
public class PatchStressTests
{
    [SkippableTheory]
    [InlineData("int3", 400)]
    [InlineData("batch", 200)]
    [InlineData("atomic", 200)]
    public void Toggling_under_two_callers_accounts_for_every_call(string patcher, int toggles)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        var options = new PatchStressOptions(LivePatchers.Parse(patcher), Threads: 2, Toggles: toggles, Calls: 200_000);
        var result = PatchStress.Run(options);

        Assert.True(result.IsExact, result.Summary());
        var total = result.Total;
        Assert.True(total.Calls >= 200_000);
        Assert.Equal(total.Calls, total.BodyRuns);
        Assert.True(total.Routed > 0, "some calls ran entirely on the attached site");
        Assert.True(total.Unrouted > 0, "some calls ran entirely on the detached site");
        Assert.Equal(total.Routed + total.TransitionalHandled, total.HandlerRuns);
        Assert.True(result.SiteRestored);
        Assert.Equal(toggles / 2, result.Reclaim.Frees);                       // every detached copy was freed...
        Assert.Equal(toggles / 2 - PatchStressOptions.Trampolines, result.Reclaim.Reuses);   // ...and reused once the rotation came back
        Assert.Contains("0 crashes; accounting exact", result.Summary(), StringComparison.Ordinal);
        if (patcher != "atomic")
            Assert.Equal(0UL, result.Traps.Chained);
    }

    /// <summary>The per-thread counters are found through each handler signature's context: pt_regs, the args array, fexit's.</summary>
    [SkippableTheory]
    [InlineData("full-regs")]
    [InlineData("direct")]
    [InlineData("direct-fexit")]
    public void Every_trampoline_strategy_counts_each_threads_calls_exactly(string strategy)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        var options = new PatchStressOptions(LivePatchers.Batch, Threads: 2, Toggles: 100, Calls: 50_000) { Strategy = StrategyCatalog.Parse(strategy) };
        var result = PatchStress.Run(options);
        Assert.True(result.IsExact, result.Summary());
        Assert.True(result.Total.Routed > 0);
        Assert.Equal(result.Total.Routed + result.Total.TransitionalHandled, result.Total.HandlerRuns);
    }

    [SkippableFact]
    public void The_atomic_patcher_refuses_a_site_that_crosses_an_8_byte_boundary_before_any_work()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        var options = new PatchStressOptions(LivePatchers.Atomic, 2, 10, 1000) { SiteOffset = 4 };
        var refusal = Assert.Throws<UsageException>(() => PatchStress.Check(options));
        Assert.Contains("spans bytes 4..8 of its word", refusal.Message, StringComparison.Ordinal);
        Assert.EndsWith("valid patchers for this site: int3, batch, unsafe", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal.Message);
        PatchStress.Check(options with { Patcher = LivePatchers.Int3 });
        PatchStress.Check(options with { SiteOffset = 3 });                    // bytes 3..7: one word
    }

    [SkippableFact]
    public void Unsafe_runs_are_refused_in_a_process_that_did_not_agree_to_crash()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        Assert.False(LivePatcher.UnsafeAllowed);
        var unsafePatcher = new PatchStressOptions(LivePatchers.Unsafe, 2, 10, 1000);
        Assert.Contains("runs only in a child process", Assert.Throws<InvalidOperationException>(() => PatchStress.Run(unsafePatcher)).Message, StringComparison.Ordinal);
        var early = new PatchStressOptions(LivePatchers.Int3, 2, 10, 1000) { Reclaim = ReclaimPolicy.Early };
        Assert.Contains("runs only in a child process", Assert.Throws<InvalidOperationException>(() => PatchStress.Run(early)).Message, StringComparison.Ordinal);
    }

    /// <summary>The loop's phase checks must flag a call that saw the handler while "detached", and one that missed it while "attached".</summary>
    [SkippableFact]
    public void The_caller_loop_flags_a_handler_run_that_does_not_match_the_phase()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        const ulong Calls = 100;
        using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 1, CallingConvention.SysV)
        {
            Backing = ArenaBacking.File,
            ThreadCounters = true,
        });
        ulong phase = set.Image.Data.Allocate("phase", 1, 64).Address;
        ulong block = set.Image.Data.Allocate("block", CallerBlock.Slots, CallerBlock.Alignment).Address;
        var loop = set.Image.Emit("loop", BlobKind.Harness, asm => CallerLoopEmitter.Emit(asm, set.Target.Address, phase));
        set.Seal();
        var arena = set.Arena;
        arena.WriteUInt64(block + CallerBlock.Expected, TargetEmitter.Reference(TargetEmitter.TargetSeed, [block]));
        arena.WriteUInt64(block + CallerBlock.Chunk, Calls);

        arena.WriteUInt64(phase, 2);                  // claims "attached", but the site holds the NOP
        arena.Invoke(loop.Address, block);
        var missed = CallerTally.Read(arena, block);
        Assert.Equal(Calls, missed.Missed);
        Assert.False(missed.IsExact);

        set.Attach();
        arena.WriteUInt64(phase, 4);                  // claims "detached", but the site calls the trampoline
        arena.Invoke(loop.Address, block);
        var phantom = CallerTally.Read(arena, block);
        Assert.Equal(Calls, phantom.Phantom);
        Assert.Equal(2 * Calls, phantom.BodyRuns);
        Assert.Equal(Calls, phantom.HandlerRuns);
        Assert.Equal(0UL, phantom.WrongResults);

        arena.WriteUInt64(block + CallerBlock.Expected, 0);   // and a wrong result is counted
        arena.Invoke(loop.Address, block);
        Assert.Equal(Calls, CallerTally.Read(arena, block).WrongResults);
    }

    [Fact]
    public void A_tally_with_any_violation_or_mismatch_is_not_exact()
    {
        var exact = new CallerTally(Calls: 10, BodyRuns: 10, HandlerRuns: 4, 0, 0, 0, 0, 0, Routed: 3, Unrouted: 5, Transitional: 2, TransitionalHandled: 1);
        Assert.True(exact.IsExact);
        Assert.False((exact with { BodyRuns = 11 }).IsExact);
        Assert.False((exact with { HandlerRuns = 5 }).IsExact);
        Assert.False((exact with { HandlerTwice = 1 }).IsExact);
        Assert.False((exact with { Phantom = 1 }).IsExact);
        Assert.False((exact with { Missed = 1 }).IsExact);
        Assert.False((exact with { WrongResults = 1 }).IsExact);
        Assert.False((exact with { BodyMismatches = 1 }).IsExact);
        Assert.False((exact with { Unrouted = 4 }).IsExact);
    }
}
