using CsCheck;
using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Validation;

public class TransparencyTests
{
    static readonly IReadOnlyList<HookSetOptions> Cases = [.. ValidationCases.All()];

    [Fact]
    public void Every_buildable_case_is_transparent_with_fixed_canaries()
    {
        var failures = Cases
            .Select(c => TransparencyValidator.Validate(c))
            .Where(r => !r.Passed)
            .Select(r => $"{r.Case}: {string.Join("; ", r.Failures)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void The_case_matrix_covers_every_strategy_profile_handler_arg_count_abi_and_alignment()
    {
        // Per profile: 9 trampolines (the two fmod_ret ones twice: running and skipping the original) × 3 handlers ×
        // 7 × 2 ABIs × 2 alignments, none × 3 × 7 × 2, direct-call × 2 × 7 × 2 unless the profile accounts call depth,
        // and ops-list with one op × 84 unless the profile tracks call depth without retpolines. Under none and host,
        // the attached shapes: ops-list's 7 more shapes × 84, and direct's 24 shapes of 1 or 3 programs (one of them
        // the default, counted above) × 84 plus 6 shapes of 38 programs at 2 and 6 args × 3 × 2 × 2.
        int perProfile = 11 * 3 * 7 * 2 * 2 + 3 * 7 * 2;
        int directCall = 2 * 7 * 2, opsList = 84;
        int attached = (8 - 1) * 84 + (24 - 1) * 84 + 6 * 3 * 2 * 2 * 2;
        var profiles = MitigationProfiles.Every;
        int unaccounted = profiles.Count(p => p.CallDepthAccounting && p.IndirectCall != IndirectCallKind.RetpolineThunk);
        Assert.Equal(
            profiles.Count * perProfile + profiles.Count(p => !p.CallDepthAccounting) * directCall + (profiles.Count - unaccounted) * opsList
            + ValidationCases.AttachProfiles.Count * attached,
            Cases.Count);
        Assert.Equal((profiles.Count - unaccounted + ValidationCases.AttachProfiles.Count * (ValidationCases.Shapes(StrategyCatalog.OpsList).Count - 1)) * 84,
            Cases.Count(c => c.Strategy == StrategyCatalog.OpsList));
        Assert.All(StrategyCatalog.All, s => Assert.Contains(Cases, c => c.Strategy == s));
        Assert.All(profiles, p => Assert.Contains(Cases, c => c.Profile == p && c.Strategy == StrategyCatalog.DirectFexitJmp));
        Assert.All(CallingConvention.All, abi => Assert.Contains(Cases, c => c.Abi == abi && c.ArgCount == 6));
        Assert.Contains(Cases, c => c.ModifiedReturn == ValidationCases.SkippingReturn && c.Strategy == StrategyCatalog.DirectFmodRetJmp);
    }

    [Fact]
    public void Every_case_is_transparent_for_random_canaries_arguments_and_flags()
    {
        Gen.Select(Gen.Int[0, Cases.Count - 1], Gen.ULong.Array[16], Gen.ULong.Array[HookSetOptions.MaxArgs], Gen.ULong)
            .Sample((index, canaries, arguments, flags) =>
            {
                var options = Cases[index];
                var inputs = ProbeInputs.FromRandom(canaries, arguments[..options.ArgCount], flags);
                var result = TransparencyValidator.Validate(options, inputs);
                Assert.True(result.Passed, $"{options}: {string.Join("; ", result.Failures)}");
            }, iter: 400);
    }

    [Fact]
    public void Validation_runs_the_windows_convention_on_this_host_through_the_probe_adapter()
    {
        var options = new HookSetOptions(StrategyCatalog.DirectFexit, HandlerKind.Args, 6, CallingConvention.Win64);
        var result = TransparencyValidator.Validate(options);
        Assert.True(result.Passed, string.Join("; ", result.Failures));
        Assert.True(result.Checks > 30);
    }

    [Theory]
    [InlineData("full-regs", 8)]
    [InlineData("min-regs", 0)]
    [InlineData("direct", 0)]
    [InlineData("direct-call", 0)]
    public void Kernel_sequences_document_the_alignment_they_really_give_the_handler(string strategy, int mod16)
    {
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKind.Empty, 2, CallingConvention.SysV));
        Assert.Equal(mod16, set.Entry?.EntryRspMod16);
    }

    [Fact]
    public void The_c_abi_flag_pads_every_trampoline_to_a_c_abi_aligned_handler_entry()
    {
        foreach (var options in Cases.Where(c => c.Alignment == StackAlignment.CAbi))
        {
            using var set = HookSetBuilder.Build(options with { Instrumented = false });
            Assert.Equal(CallingConvention.EntryRspMod16, set.Entry?.EntryRspMod16);
        }
    }
}
