using HookBench.Abi;
using HookBench.Bpf;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Trampolines;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Chains;

/// <summary>The BPF trampoline with P programs: enter/exit profiles, lookups, recursion, and exact instruction counts.</summary>
public class BpfProgramsTests
{
    const int N = 2;

    // Hand-counted from the emitted code (golden listings direct.counter.sysv.*), empty program (one ret):
    // the thread's frame: push rbp, mov rbp, N pushes, N pops, leave, ret; per program lea + call + ret.
    const int ThreadFrame = 4 + 2 * N, ThreadPerProgram = 2 + 1;

    // The v6.x frame: push rbp, mov rbp, sub rsp, save rbx, mov eax nr_regs, store it, N saves, N restores,
    // restore rbx, leave, ret. Per program, 14 in the trampoline (cookie, prog, &run_ctx, call enter, mov rbx,
    // test, je, ctx, call, prog, start, &run_ctx, call exit) plus enter + exit + the program's ret.
    const int WrappedFrame = 9 + 2 * N, InvokeProgram = 14;

    // __bpf_prog_enter_recur / __bpf_prog_exit_recur per profile. 6.18 inline: enter 10 (migrate_disable) + 1 (rcu)
    // + 4 (run_ctx) + 5 (recursion) + nop5 + mov eax + ret = 23; exit 3 (run_ctx) + nop5 + 2 (active--) + 2 (rcu)
    // + 13 (migrate_enable) + ret = 22. 6.17 adds the calls: enter saves prog and run_ctx (4) and restores them (2),
    // calls migrate_disable (call + its ret); exit calls migrate_enable (call + its ret). Stats on: the enter's
    // jump goes to 7 instructions in place of mov eax; the exit's to 11.
    const int Enter618 = 23, Exit618 = 22, Enter617 = Enter618 + 4 + 2 + 2, Exit617 = Exit618 + 2;
    const int EnterStats = Enter618 - 1 + 7, ExitStats = Exit618 + 11;

    static HookSetOptions Direct(int progs, BpfProfile profile, MetadataLookup lookup = MetadataLookup.Const, HandlerKind handler = HandlerKind.Empty, CallingConvention? abi = null) =>
        new(StrategyCatalog.Direct, handler, N, abi ?? CallingConvention.SysV) { Attach = new Attachment { Progs = progs, Bpf = profile, Lookup = lookup } };

    /// <summary>Instructions the hook adds to a call: hooked path minus the same set's unhooked path.</summary>
    static int HookInstructions(HookSetOptions options)
    {
        using var set = HookSetBuilder.Build(options);
        int unhooked = ExecutedPath.Walk(set).Instructions;
        set.Attach();
        return ExecutedPath.Walk(set).Instructions - unhooked;
    }

    public static TheoryData<int> ProgramCounts() => [1, 2, 5, Attachment.MaxProgs];

    [Theory]
    [MemberData(nameof(ProgramCounts))]
    public void The_threads_trampoline_adds_a_lea_and_a_call_per_program(int progs) =>
        Assert.Equal(ThreadFrame + ThreadPerProgram * progs, HookInstructions(Direct(progs, BpfProfile.Thread2019)));

    [Theory]
    [MemberData(nameof(ProgramCounts))]
    public void Each_profile_adds_its_enter_and_exit_per_program(int progs)
    {
        Assert.Equal(WrappedFrame + progs * (InvokeProgram + Enter618 + Exit618 + 1), HookInstructions(Direct(progs, BpfProfile.Linux618)));
        Assert.Equal(WrappedFrame + progs * (InvokeProgram + Enter617 + Exit617 + 1), HookInstructions(Direct(progs, BpfProfile.Linux617)));
        Assert.Equal(WrappedFrame + progs * (InvokeProgram + EnterStats + ExitStats + 1), HookInstructions(Direct(progs, BpfProfile.Linux618Stats)));
    }

    [Theory]
    [MemberData(nameof(ProgramCounts))]
    public void Lookups_add_the_search_and_a_loop_of_indirect_calls(int progs)
    {
        // r12/r13 saved and restored (4); the loop's setup (2); per program 5 more than constants: the
        // entry's prog->bpf_func loads before an indirect call instead of a direct one, and add/dec/jnz.
        // Padding: 2 instructions to the metadata; hash: 19 (ip, the table, hash_64, bucket, one node, the entry).
        const int PerProgramInLoop = 5;
        foreach (var profile in new[] { BpfProfile.Linux618, BpfProfile.Thread2019 })
        {
            int constant = HookInstructions(Direct(progs, profile));
            Assert.Equal(constant + 4 + 2 + 2 + PerProgramInLoop * progs, HookInstructions(Direct(progs, profile, MetadataLookup.Padding)));
            Assert.Equal(constant + 4 + 19 + 2 + PerProgramInLoop * progs, HookInstructions(Direct(progs, profile, MetadataLookup.Hash)));
        }
    }

    [Fact]
    public void Every_program_runs_once_per_call_and_the_bookkeeping_balances()
    {
        foreach (var lookup in MetadataLookups.All)
        {
            using var set = HookSetBuilder.Build(Direct(Attachment.MaxProgs, BpfProfile.Linux618Stats, lookup, HandlerKind.Counter));
            set.Attach();
            NativeCallLoop.Throughput(set.Target.Address, N, 7);
            Assert.All(set.Chain, c => Assert.Equal(7UL, set.Arena.ReadUInt64(c.Handler.Slots.Counter.Address)));
            Assert.All(set.Programs, p => Assert.Equal(7UL, set.Arena.ReadUInt64(p.Stats.Address + BpfProgram.StatsCountOffset)));
            Assert.All(set.Programs, p => Assert.Equal(0UL, set.Arena.ReadUInt64(p.Active.Address)));
            Assert.All(set.Kernel!.Balance(set.Arena), f => Assert.Equal(f.Expected, f.Seen));
        }
    }

    [Fact]
    public void The_padding_lookup_reads_a_pointer_stored_just_before_the_entry()
    {
        using var set = HookSetBuilder.Build(Direct(3, BpfProfile.Linux618, MetadataLookup.Padding));
        ulong metadata = set.Arena.ReadUInt64(set.Target.Address - FunctionPadding.MetadataBeforeEntry);
        Assert.Equal(3UL, set.Arena.ReadUInt64(metadata + FunctionMetadata.CountOffset));
        Assert.Equal(set.Programs[2].Address, set.Arena.ReadUInt64(metadata + FunctionMetadata.EntriesOffset + 2 * FunctionMetadata.EntrySize));
        Assert.Equal(set.Programs[2].Cookie, set.Arena.ReadUInt64(metadata + FunctionMetadata.EntriesOffset + 2 * FunctionMetadata.EntrySize + FunctionMetadata.EntryCookieOffset));
    }

    [Theory]
    [InlineData("bpf-6.17", "const", 1)]
    [InlineData("bpf-6.18", "const", 3)]
    [InlineData("bpf-6.18", "hash", 3)]
    [InlineData("bpf-6.18+stats", "padding", 2)]
    public void The_recursion_check_skips_a_re_entered_program_and_counts_a_miss(string profile, string lookup, int progs)
    {
        foreach (var abi in CallingConvention.All)
        {
            var result = RecursionGuardValidator.Validate(Direct(progs, BpfProfile.Parse(profile), MetadataLookups.Parse(lookup), HandlerKind.Counter, abi));
            Assert.True(result.Passed, string.Join("; ", result.Failures));
        }
    }

    [Fact]
    public void Re_entry_without_a_recursion_check_is_refused_rather_than_run()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RecursionGuardValidator.Validate(Direct(2, BpfProfile.Thread2019)));
        Assert.Contains("recurses until the stack overflows", error.Message);
    }

    [Theory]
    [InlineData("const")]
    [InlineData("hash")]
    public void A_recursion_counter_never_decremented_is_caught(string lookup)
    {
        var options = Direct(2, BpfProfile.Linux618, MetadataLookups.Parse(lookup), HandlerKind.Counter) with { Mutation = TrampolineMutation.SkipRecursionRelease };
        var result = TransparencyValidator.Validate(options);
        Assert.False(result.Passed);
        // The first call leaves prog->active at 1: every later call skips the program and counts a miss.
        Assert.Contains(result.Failures, f => f.Check == "program 0 calls" && f.Detail.StartsWith("1,", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Check == "program 1 prog->active after the calls");
        Assert.Contains(result.Failures, f => f.Check == "program 0 recursion misses");
    }

    [Theory]
    [InlineData("bpf-2019", "const")]
    [InlineData("bpf-2019", "padding")]
    [InlineData("bpf-6.18", "const")]
    [InlineData("bpf-6.18", "hash")]
    public void A_program_called_twice_is_caught(string profile, string lookup)
    {
        var options = Direct(3, BpfProfile.Parse(profile), MetadataLookups.Parse(lookup), HandlerKind.Counter) with { Mutation = TrampolineMutation.CallCallbackTwice };
        var result = TransparencyValidator.Validate(options);
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check == "program 1 calls" && f.Detail.StartsWith("6,", StringComparison.Ordinal));
    }

    [Fact]
    public void The_unmutated_controls_pass()
    {
        foreach (var profile in BpfProfile.All)
        foreach (var lookup in MetadataLookups.All)
        {
            var result = TransparencyValidator.Validate(Direct(3, profile, lookup, HandlerKind.Args, CallingConvention.Win64));
            Assert.True(result.Passed, $"{profile} {lookup.Name()}: {string.Join("; ", result.Failures)}");
        }
    }
}
