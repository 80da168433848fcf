using HookBench.Abi;
using HookBench.Handlers;
using HookBench.Sites;
using HookBench.Trampolines;
using Iced.Intel;
using Xunit;
using static HookBench.Trampolines.TrampolineFlags;

namespace HookBench.Tests.Trampolines;

/// <summary>The builder refuses contradictory flag sets before emitting a byte, naming the contradiction.</summary>
public class FlagValidationTests
{
    [Theory]
    [InlineData(ContextKind.PtRegs, SaveFlags | IpModify, "SaveFlags needs SaveAllRegisters")]
    [InlineData(ContextKind.ArgsArray, SaveAllRegisters, "argument-array trampoline has none")]
    [InlineData(ContextKind.ArgsArray, IpModify, "no regs->ip")]
    [InlineData(ContextKind.PtRegs, CallOriginal | SkipFrame | IpModify, "CallOriginal calls the traced body")]
    [InlineData(ContextKind.ArgsArray, SkipFrame, "SkipFrame returns past the traced function")]
    [InlineData(ContextKind.ArgsArray, CallOriginal, "CallOriginal from a fentry site needs SkipFrame or JmpEntry")]
    [InlineData(ContextKind.ArgsArray, JmpEntry, "JmpEntry needs CallOriginal")]
    [InlineData(ContextKind.PtRegs, JmpEntry | IpModify, "JmpEntry needs CallOriginal")]
    [InlineData(ContextKind.ArgsArray, CallOriginal | SkipFrame | JmpEntry, "JmpEntry excludes SkipFrame")]
    [InlineData(ContextKind.ArgsArray, ModifyReturn, "ModifyReturn needs CallOriginal")]
    [InlineData(ContextKind.ArgsArray, ShareIpModify, "ShareIpModify needs CallOriginal")]
    [InlineData(ContextKind.None, TrampolineFlags.None, "needs a pt_regs or an argument-array context")]
    public void Contradictory_flags_are_refused_with_the_reason_before_emission(ContextKind context, TrampolineFlags flags, string reason)
    {
        var spec = new TrampolineSpec(context, flags);
        Assert.False(spec.TryValidate(out string? error));
        Assert.Contains(reason, error);

        var asm = new Assembler(64);
        var request = new TrampolineRequest(spec, CallingConvention.SysV, 2, new Site(Rel32Site.FentryCall, 0x1000), 0x2000);
        var refused = Assert.Throws<UsageException>(() => TrampolineBuilder.Build(asm, request));
        Assert.Contains(reason, refused.Message);
        Assert.Empty(asm.Instructions);
    }

    [Fact]
    public void Share_ipmodify_falls_back_from_jmp_mode_to_a_called_trampoline_that_skips_the_frame()
    {
        var spec = new TrampolineSpec(ContextKind.ArgsArray, CallOriginal | JmpEntry | ShareIpModify);
        Assert.True(spec.TryValidate(out string? error), error);
        Assert.Equal(CallOriginal | SkipFrame | ShareIpModify, spec.Effective.Flags);
        Assert.Same(Rel32Site.FentryCall, spec.EntrySite);
        Assert.Same(Rel32Site.FentryJmp, new TrampolineSpec(ContextKind.ArgsArray, CallOriginal | JmpEntry).EntrySite);
    }

    [Fact]
    public void Every_strategy_preset_is_a_valid_flag_set()
    {
        foreach (var strategy in HookBench.Strategies.StrategyCatalog.All.Where(s => s.Trampoline is not null))
        {
            Assert.True(strategy.Trampoline!.TryValidate(out string? error), $"{strategy.Name}: {error}");
            Assert.True(strategy.Trampoline.With(AlignStack).TryValidate(out error), $"{strategy.Name} + AlignStack: {error}");
        }
    }
}
