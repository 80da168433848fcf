using HookBench.Abi;
using HookBench.Bpf;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Chains;

/// <summary>
/// The two axis families together: hooks with several callbacks (issue 10) compiled under a mitigation
/// profile (issue 9). The indirect calls go through the profile's CALL_NOSPEC form, the kernel runtime gets
/// the profile's entries, calls and returns, and the executed-path walk still counts every instruction.
/// </summary>
public class ProfiledChainsTests
{
    static HookSetOptions OpsList(int ops, decimal match, MitigationProfile profile, HandlerKind handler = HandlerKind.Empty, CallingConvention? abi = null) =>
        new(StrategyCatalog.OpsList, handler, 2, abi ?? CallingConvention.SysV) { Attach = new Attachment { Ops = ops, Match = match }, Profile = profile };

    static PathWalk HookedPath(HookSetOptions options)
    {
        using var set = HookSetBuilder.Build(options);
        set.Attach();
        return ExecutedPath.Walk(set);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 0)]
    [InlineData(4, 0.5)]
    [InlineData(8, 0.125)]
    [InlineData(8, 1)]
    [InlineData(32, 0.0625)]
    public void Ops_list_under_retpoline_validates_and_counts_exactly(int ops, double match)
    {
        int matching = (int)(ops * match);
        foreach (var abi in CallingConvention.All)
        {
            var retpoline = OpsList(ops, (decimal)match, MitigationProfiles.Retpolines, HandlerKind.Counter, abi);
            var result = TransparencyValidator.Validate(retpoline);
            Assert.True(result.Passed, string.Join("; ", result.Failures));

            // Each op->func becomes call __x86_indirect_thunk_rax, whose call 1f; mov [rsp], rax; ret then enters
            // the callback: three instructions, one call and one return more per matching op; nothing else changes.
            var plain = HookedPath(OpsList(ops, (decimal)match, MitigationProfiles.None, abi: abi));
            var thunked = HookedPath(retpoline with { Handler = HandlerKind.Empty, Instrumented = false });
            Assert.Null(thunked.NotStatic);
            Assert.Equal(plain.Instructions + 3 * matching, thunked.Instructions);
            Assert.Equal(plain.Calls + matching, thunked.Calls);
            Assert.Equal(plain.Returns + matching, thunked.Returns);
        }
    }

    [Fact]
    public void Ops_list_under_retpoline_calls_each_op_through_the_one_thunk_and_never_calls_a_register()
    {
        using var set = HookSetBuilder.Build(OpsList(4, 0.5m, MitigationProfiles.Retpolines));
        Assert.Equal(["__x86_indirect_thunk_rax"], set.Thunks.Blobs.Select(b => b.Name));
        string listing = HookBench.Cli.DisasmCommand.Render(set, new HookBench.Disassembly.Disassembler(set, 0x1000_0000));
        Assert.Matches(@"call\s+__x86_indirect_thunk_rax", listing);
        Assert.DoesNotMatch(@"call\s+rax", listing);
    }

    [Fact]
    public void Ops_list_under_retpoline_lfence_fences_each_op_call()
    {
        var plain = HookedPath(OpsList(8, 0.25m, MitigationProfiles.None));
        var fenced = HookedPath(OpsList(8, 0.25m, MitigationProfiles.RetpolineLfence));
        Assert.Equal(plain.Instructions + 2, fenced.Instructions);      // lfence before each of the two matching ops' calls
        Assert.Equal(plain.Calls, fenced.Calls);
    }

    public static TheoryData<string> Profiles() => [.. MitigationProfiles.Names];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Several_callbacks_are_transparent_under_every_profile(string name)
    {
        var profile = MitigationProfiles.Parse(name);
        HookSetOptions[] cases =
        [
            OpsList(8, 0.125m, profile, HandlerKind.Counter),
            OpsList(4, 0.5m, profile, HandlerKind.Args, CallingConvention.Win64),
            Direct(new Attachment { Progs = 3, Bpf = BpfProfile.Linux617, Lookup = MetadataLookup.Hash }, profile),
            Direct(new Attachment { Progs = 3, Bpf = BpfProfile.Linux618Stats, Lookup = MetadataLookup.Padding }, profile),
            Direct(new Attachment { Progs = 2, Bpf = BpfProfile.Thread2019, Lookup = MetadataLookup.Padding }, profile, CallingConvention.Win64),
            Direct(new Attachment { Progs = 2, Bpf = BpfProfile.Linux618 }, profile),
        ];
        foreach (var options in cases.Where(c => c.TryValidate(out _)))
        {
            foreach (var alignment in StackAlignments.All)
            {
                var result = TransparencyValidator.Validate(options with { Alignment = alignment });
                Assert.True(result.Passed, $"{options}: {string.Join("; ", result.Failures)}");
            }

            using var set = HookSetBuilder.Build(options with { Instrumented = false });
            set.Attach();
            Assert.Null(ExecutedPath.Walk(set).NotStatic);
        }

        // Only call-depth tracking without retpolines is refused (next test); everything else was validated above.
        Assert.Equal(profile.CallDepthAccounting && profile.IndirectCall != IndirectCallKind.RetpolineThunk ? 5 : 0, cases.Count(c => !c.TryValidate(out _)));
        var guarded = OpsList(4, 0.5m, profile, HandlerKind.Counter) with { Instrumented = true };
        if (guarded.TryValidate(out _))
        {
            var guard = RecursionGuardValidator.Validate(guarded);
            Assert.True(guard.Passed, string.Join("; ", guard.Failures));
        }
    }

    [Theory]
    [InlineData("ops-list/2/empty/throughput/profile=calldepth", "ops-list calls its callbacks indirectly, and profile calldepth tracks call depth without retpolines")]
    [InlineData("ops-list/2/empty/throughput/profile=calldepth/ops=8", "ops-list ops=8 calls its callbacks indirectly")]
    [InlineData("direct/2/empty/throughput/profile=calldepth/lookup=hash", "direct lookup=hash calls its callbacks indirectly")]
    public void Call_depth_tracking_without_retpolines_is_refused_where_callbacks_are_called_indirectly(string key, string reason)
    {
        Assert.False(CellKey.TryParse(key, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains("cdt_possible()", error, StringComparison.Ordinal);
        Assert.EndsWith("valid profiles here: none, ibt, retpoline, retpoline-lfence, rethunk, srso, all, host", error, StringComparison.Ordinal);
        // The same shapes under `all` (retpolines and call-depth tracking together, as the kernel runs them) are fine,
        // and so is a trampoline that calls its one program directly.
        Assert.True(CellKey.TryParse(key.Replace("calldepth", "all", StringComparison.Ordinal), out _, out error), error);
        Assert.True(CellKey.TryParse("direct/2/empty/throughput/profile=calldepth/progs=3", out _, out error), error);
    }

    [Fact]
    public void A_padding_lookup_finds_the_metadata_before_the_call_thunk_and_endbr()
    {
        // Under `all` the target starts with the call-depth accounting thunk and ENDBR before its site: the
        // trampoline must step back over both to the pointer the padding holds, or it calls no program.
        var options = Direct(new Attachment { Progs = 2, Bpf = BpfProfile.Linux618, Lookup = MetadataLookup.Padding }, MitigationProfiles.All) with
        {
            Handler = HandlerKind.Counter,
        };
        using var set = HookSetBuilder.Build(options);
        Assert.Equal(8 + 4, (int)(set.Site.Address - set.Target.Address));
        set.Attach();
        NativeCallLoop.Throughput(set.Target.Address, 2, 3);
        Assert.All(set.Chain, c => Assert.Equal(3UL, set.Arena.ReadUInt64(c.Handler.Slots.Counter.Address)));
    }

    static HookSetOptions Direct(Attachment attach, MitigationProfile profile, CallingConvention? abi = null) =>
        new(StrategyCatalog.Direct, HandlerKind.Counter, 2, abi ?? CallingConvention.SysV) { Attach = attach, Profile = profile, Instrumented = true };
}
