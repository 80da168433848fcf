using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Trampolines;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Validation;

/// <summary>Deliberately broken trampolines must be reported failing, naming the broken promise.</summary>
public class MutationTests
{
    static TransparencyResult ValidateMutant(string strategy, TrampolineMutation mutation, CallingConvention abi, StackAlignment alignment = StackAlignment.Kernel) =>
        TransparencyValidator.Validate(new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKind.Args, 2, abi, alignment) { Mutation = mutation });

    public static TheoryData<string, string> TrampolineStrategiesAndAbis()
    {
        var data = new TheoryData<string, string>();
        foreach (var s in StrategyCatalog.All.Where(s => s.Route == SiteRoute.Trampoline))
        foreach (var abi in CallingConvention.All)
            data.Add(s.Name, abi.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(TrampolineStrategiesAndAbis))]
    public void An_argument_register_not_restored_is_caught(string strategy, string abi)
    {
        var result = ValidateMutant(strategy, TrampolineMutation.SkipArgumentRestore, CallingConvention.Parse(abi));
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check.StartsWith("target arg0", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TrampolineStrategiesAndAbis))]
    public void A_stack_misaligned_against_the_documented_alignment_is_caught(string strategy, string abi)
    {
        foreach (var alignment in StackAlignments.All)
        {
            var result = ValidateMutant(strategy, TrampolineMutation.MisalignStack, CallingConvention.Parse(abi), alignment);
            Assert.False(result.Passed);
            Assert.Contains(result.Failures, f => f.Check.Contains("entry rsp mod 16", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("full-regs")]
    [InlineData("ipmodify-full")]
    public void Flags_clobbered_under_full_regs_are_caught(string strategy)
    {
        var result = ValidateMutant(strategy, TrampolineMutation.ClobberFlags, CallingConvention.SysV);
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check == "flags at target entry");
    }

    [Fact]
    public void The_unmutated_controls_pass()
    {
        foreach (var strategy in new[] { "full-regs", "min-regs", "direct", "direct-fexit", "direct-fexit-jmp", "direct-fmodret-jmp" })
            Assert.True(ValidateMutant(strategy, TrampolineMutation.None, CallingConvention.SysV).Passed, strategy);
    }

    static TransparencyResult ValidateMutant(string strategy, TrampolineMutation mutation, MitigationProfile profile, CallingConvention abi, int args = 2) =>
        TransparencyValidator.Validate(new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKind.Args, args, abi) { Mutation = mutation, Profile = profile });

    [Theory]
    [InlineData("direct-fexit", "srso")]
    [InlineData("direct-fexit", "rethunk")]
    [InlineData("direct-fexit-jmp", "srso")]
    [InlineData("direct-fmodret-jmp", "calldepth")]
    public void A_return_thunk_that_leaves_rsp_wrong_is_caught(string strategy, string profile)
    {
        var profiled = MitigationProfiles.Parse(profile);
        Assert.True(ValidateMutant(strategy, TrampolineMutation.None, profiled, CallingConvention.SysV).Passed);
        var result = ValidateMutant(strategy, TrampolineMutation.ReturnThunkLeavesRspWrong, profiled, CallingConvention.SysV);
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check == "rsp after return");
    }

    [Theory]
    [InlineData("direct-fexit-jmp", "sysv", 2, "entry rsp mod 16")]
    [InlineData("direct-fmodret-jmp", "sysv", 3, "entry rsp mod 16")]
    [InlineData("direct-fexit-jmp", "win64", 6, "target arg4")]
    [InlineData("direct-fmodret-jmp", "win64", 5, "target arg4")]
    public void A_jmp_mode_trampoline_that_keeps_the_call_mode_stack_offsets_is_caught(string strategy, string abi, int args, string check)
    {
        var result = ValidateMutant(strategy, TrampolineMutation.JmpWithCallOffsets, MitigationProfiles.None, CallingConvention.Parse(abi), args);
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check.Contains(check, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("direct-fexit")]
    [InlineData("direct-fexit-jmp")]
    [InlineData("min-regs")]
    [InlineData("full-regs")]
    public void A_depth_counter_left_unbalanced_after_a_call_is_caught(string strategy)
    {
        foreach (var profile in new[] { MitigationProfiles.CallDepth, MitigationProfiles.All })
        {
            Assert.True(ValidateMutant(strategy, TrampolineMutation.None, profile, CallingConvention.SysV).Passed, $"{strategy} {profile}");
            var result = ValidateMutant(strategy, TrampolineMutation.SkipCallDepthAccounting, profile, CallingConvention.SysV);
            Assert.False(result.Passed);
            Assert.Contains(result.Failures, f => f.Check == "call depth after the hooked call");
        }
    }
}

public class InjectedLatencyTests
{
    [Fact]
    public void A_sensitivity_trampoline_is_still_transparent_and_runs_k_more_instructions()
    {
        foreach (var strategy in new[] { StrategyCatalog.MinRegs, StrategyCatalog.Direct, StrategyCatalog.FullRegs })
        {
            var options = new HookSetOptions(strategy, HandlerKind.Args, 2, CallingConvention.SysV) { InjectedLatency = 3 };
            Assert.True(TransparencyValidator.Validate(options).Passed, strategy.Name);
            using var plain = HookSetBuilder.Build(options with { InjectedLatency = 0 });
            using var slowed = HookSetBuilder.Build(options);
            plain.Attach();
            slowed.Attach();
            Assert.Equal(HookBench.Measurement.ExecutedPath.Walk(plain).Instructions + 3, HookBench.Measurement.ExecutedPath.Walk(slowed).Instructions);
        }
    }
}
