using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Trampolines;

/// <summary>The 6.19 jmp mode and BPF_MODIFY_RETURN, against their call-mode counterparts.</summary>
public class JmpModeTests
{
    static HookSet Build(Strategy strategy, int args = 2, CallingConvention? abi = null, ulong modified = 0) =>
        HookSetBuilder.Build(new HookSetOptions(strategy, HandlerKind.Empty, args, abi ?? CallingConvention.SysV) { ModifiedReturn = modified });

    [Fact]
    public void The_site_jumps_and_the_trampoline_returns_to_the_caller_without_skipping_a_frame()
    {
        using var jmp = Build(StrategyCatalog.DirectFexitJmp);
        Assert.Same(Rel32Site.FentryJmp, jmp.Site.Kind);
        jmp.Attach();
        Assert.Equal(0xE9, jmp.Patcher.CurrentBytes[0]);
        var walk = ExecutedPath.Walk(jmp);
        // call mode: site call + 17 (… leave; add rsp, 8; ret); jmp mode: site jmp + 16 (… leave; ret).
        using var call = Build(StrategyCatalog.DirectFexit);
        call.Attach();
        Assert.Equal(ExecutedPath.Walk(call).Instructions - 1, walk.Instructions);
        // The return-stack buffer: call mode pushes one more than it pops (the site's call), jmp mode balances.
        Assert.Equal(walk.Returns, walk.Calls + 1);
        var called = ExecutedPath.Walk(call);
        Assert.Equal(called.Returns, called.Calls);
    }

    [Fact]
    public void Stack_arguments_are_read_8_bytes_nearer_rbp_in_jmp_mode()
    {
        using var jmp = Build(StrategyCatalog.DirectFexitJmp, 6, CallingConvention.Win64);
        using var call = Build(StrategyCatalog.DirectFexit, 6, CallingConvention.Win64);
        string Listing(HookSet set) => HookBench.Cli.DisasmCommand.Render(set, new HookBench.Disassembly.Disassembler(set, 0x1000_0000));
        // Win64: arguments 4 and 5 sit at the traced function's entry RSP + 40 and + 48.
        Assert.Contains("[rbp+0x38]", Listing(call), StringComparison.Ordinal);     // 16 + 40: call mode
        Assert.Contains("[rbp+0x30]", Listing(jmp), StringComparison.Ordinal);      // 8 + 40: jmp mode
        Assert.DoesNotContain("[rbp+0x40]", Listing(jmp), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("direct-fmodret")]
    [InlineData("direct-fmodret-jmp")]
    public void An_fmod_ret_program_that_returns_non_zero_skips_the_body_and_sets_the_return_value(string strategy)
    {
        var s = StrategyCatalog.Parse(strategy);
        foreach (ulong modified in new ulong[] { 0, ValidationCases.SkippingReturn })
        {
            var result = TransparencyValidator.Validate(new HookSetOptions(s, HandlerKind.Counter, 3, CallingConvention.SysV) { ModifiedReturn = modified });
            Assert.True(result.Passed, string.Join("; ", result.Failures));
        }

        using var runs = Build(s);
        using var skips = Build(s, modified: ValidationCases.SkippingReturn);
        runs.Attach();
        skips.Attach();
        // Skipping saves the restore of 2 arguments, the body call, its 6 instructions and the store of its result.
        Assert.Equal(ExecutedPath.Walk(runs).Instructions - 2 - 1 - 6 - 1, ExecutedPath.Walk(skips).Instructions);
        ulong[] args = [TimingHarness.ArgumentValue(0), TimingHarness.ArgumentValue(1)];
        Assert.Equal(TargetEmitter.Reference(TargetEmitter.TargetSeed, args), NativeCallLoop.Throughput(runs.EntryPoint, 2, 1));
        Assert.Equal(ValidationCases.SkippingReturn, NativeCallLoop.Throughput(skips.EntryPoint, 2, 1));
    }

    [Fact]
    public void A_non_zero_fmod_ret_value_is_refused_for_strategies_without_an_fmod_ret_program()
    {
        var options = new HookSetOptions(StrategyCatalog.DirectFexit, HandlerKind.Empty, 2, CallingConvention.SysV) { ModifiedReturn = 1 };
        Assert.False(options.TryValidate(out string? error));
        Assert.Contains("no fmod_ret program", error);
    }
}
