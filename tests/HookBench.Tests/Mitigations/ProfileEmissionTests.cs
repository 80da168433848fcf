using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Trampolines;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Mitigations;

/// <summary>What a profile compiles into a hook set, and that the executed-path walk counts it exactly.</summary>
public class ProfileEmissionTests
{
    static HookSet Build(Strategy strategy, MitigationProfile profile, HandlerKind handler = HandlerKind.Empty, int args = 2) =>
        HookSetBuilder.Build(new HookSetOptions(strategy, handler, args, CallingConvention.SysV) { Profile = profile });

    /// <summary>direct-fexit whose function is shared with livepatch: the one trampoline with an indirect call (ORIG_STACK).</summary>
    static Strategy Shared => StrategyCatalog.DirectFexitJmp with
    {
        Name = "direct-fexit-shared",
        Trampoline = StrategyCatalog.DirectFexitJmp.Trampoline!.With(TrampolineFlags.ShareIpModify),
    };

    static (int Hooked, int Baseline) Walks(HookSet set)
    {
        int baseline = ExecutedPath.Walk(set).Instructions;
        set.Attach();
        int hooked = ExecutedPath.Walk(set).Instructions;
        set.Detach();
        return (hooked, baseline);
    }

    [Fact]
    public void Profile_none_emits_no_thunk_and_allocates_no_depth_counter()
    {
        using var set = Build(StrategyCatalog.DirectFexit, MitigationProfiles.None);
        Assert.Empty(set.Thunks.Blobs);
        Assert.Null(set.Thunks.DepthCounter);
        Assert.Equal(set.Target.Address, set.EntryPoint);
        Assert.Equal(set.Target.Address, set.Site.Address);
    }

    [Fact]
    public void A_function_starts_with_its_call_thunk_then_endbr_then_the_site()
    {
        using var set = Build(StrategyCatalog.MinRegs, MitigationProfiles.All);
        Assert.Equal(set.Target.Address, set.EntryPoint);                        // callers land on the call thunk
        Assert.Equal(set.Target.Address + 8 + 4, set.Site.Address);               // sarq (8 bytes), endbr64 (4 bytes)
        Assert.Equal(Rel32Site.Nop5, set.Arena.Read(set.Site.Address, 5));
        Assert.Equal([0xF3, 0x0F, 0x1E, 0xFA], set.Arena.Read(set.Site.Address - 4, 4));
        Assert.Equal(CallDepth.Init, set.Arena.ReadUInt64(set.Thunks.DepthCounter!.Value.Address));
    }

    [Fact]
    public void Each_thunk_is_emitted_once_per_set_and_names_its_kernel_source()
    {
        foreach (var profile in MitigationProfiles.Every.Where(p => !p.IsNone))
        {
            using var set = Build(Shared, profile);
            var names = set.Thunks.Blobs.Select(b => b.Name).ToList();
            Assert.Equal(names.Distinct().Count(), names.Count);
            Assert.All(set.Thunks.Blobs, b => Assert.Contains("arch/x86/lib/retpoline.S", b.Source, StringComparison.Ordinal));
            Assert.All(set.Thunks.Blobs, b => Assert.Equal(BlobKind.Thunk, b.Kind));
            Assert.Equal(profile.Return != ReturnKind.Ret, set.Thunks.ReturnThunk is not null);
            Assert.Equal(profile.IndirectCall == IndirectCallKind.RetpolineThunk, names.Any(n => n.Contains("indirect", StringComparison.Ordinal)));
        }
    }

    // The counts below are read off the listings (disasm --strategy S --args 2 --handler empty --profile P, and
    // tests/HookBench.Tests/Golden): every instruction the call executes, the thunks' included.

    [Fact]
    public void Srso_adds_three_instructions_to_every_return_the_call_makes()
    {
        using var none = Build(StrategyCatalog.DirectFexit, MitigationProfiles.None);
        using var srso = Build(StrategyCatalog.DirectFexit, MitigationProfiles.Srso);
        // none: site call 1 + trampoline 17 + two handler rets 2 + body 6 = 26; target alone 7.
        Assert.Equal((26, 7), Walks(none));
        // srso: each ret becomes jmp srso_return_thunk, which runs call srso_safe_ret; lea rsp, [rsp+8]; ret. The hooked
        // call returns four times (two handlers, body, trampoline), the unhooked one once.
        Assert.Equal((26 + 4 * 3, 7 + 3), Walks(srso));
    }

    [Fact]
    public void Jmp_mode_under_all_counts_the_call_thunk_endbr_accounting_and_depth_thunk()
    {
        using var set = Build(StrategyCatalog.DirectFexitJmp, MitigationProfiles.All);
        // target: sarq, endbr64, the site's jmp = 3; trampoline 20 (4 sarq among them); handlers endbr64 + jmp = 2 each;
        // body 6; call_depth_return_thunk's shl, je (not taken), ret for each of the 4 returns = 12.
        Assert.Equal((3 + 20 + 4 + 6 + 12, 9 + 3), Walks(set));
        Assert.Equal(1, set.CallDepthSurplus);                                    // the entry accounting for a call that never happened
    }

    [Fact]
    public void A_retpoline_call_is_walked_through_its_thunk_into_the_target()
    {
        using var plain = Build(Shared, MitigationProfiles.None);
        using var retpoline = Build(Shared, MitigationProfiles.Retpolines);
        using var lfence = Build(Shared, MitigationProfiles.RetpolineLfence);
        // Shared falls back to call mode: site call 1 + trampoline 18 (mov rax, [rbp+8]; call rax) + two handler rets + body 6.
        Assert.Equal((27, 7), Walks(plain));
        // call __x86_indirect_thunk_rax replaces call rax, and the thunk runs call do_rop; mov [rsp], rax; ret into the body.
        Assert.Equal((27 + 3, 7), Walks(retpoline));
        // lfence; call rax: one more instruction.
        Assert.Equal((28, 7), Walks(lfence));
        Assert.Same(Rel32Site.FentryCall, retpoline.Site.Kind);
    }

    [Fact]
    public void The_fallback_and_every_thunk_it_uses_are_transparent_under_every_profile()
    {
        foreach (var profile in MitigationProfiles.Every)
        foreach (var abi in CallingConvention.All)
        foreach (int n in new[] { 0, 2, 6 })
        {
            var options = new HookSetOptions(Shared, HandlerKind.Args, n, abi) { Profile = profile };
            var result = TransparencyValidator.Validate(options);
            Assert.True(result.Passed, $"{options}: {string.Join("; ", result.Failures)}");
        }
    }

    [Fact]
    public void An_indirect_call_that_only_a_retpoline_call_thunk_would_account_is_documented_as_one_short()
    {
        using var calldepth = Build(Shared, MitigationProfiles.CallDepth);   // plain call rax: nobody accounts it
        using var all = Build(Shared, MitigationProfiles.All);               // __x86_indirect_call_thunk_rax accounts it
        Assert.Equal(-1, calldepth.CallDepthSurplus);
        Assert.Equal(0, all.CallDepthSurplus);
        Assert.Contains(all.Thunks.Blobs, b => b.Name == "__x86_indirect_call_thunk_rax");
    }
}
