using HookBench.Abi;
using HookBench.Footprint;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;
using HookBench.Trampolines;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Validation;

public class FootprintValidationTests
{
    [Fact]
    public void Every_footprint_case_validate_runs_passes()
    {
        var results = FootprintValidationCases.All().Select(c => FootprintValidator.Validate(c.Options, c.Functions)).ToList();
        Assert.All(results, r => Assert.True(r.Passed, $"{r}: {string.Join("; ", r.Failures)}"));
        Assert.Equal(FootprintShapes.Supported.Count, results.Select(r => r.Case.Strategy).Distinct().Count());
        Assert.Equal(9, FootprintShapes.Supported.Count);
        Assert.Contains(results, r => r.Functions == 4096 && r.Case.Strategy == StrategyCatalog.MinRegs);
        Assert.True(results.Sum(r => r.Checks) > 100_000, $"{results.Sum(r => r.Checks)} checks");
    }

    public static TheoryData<string> HookedShapes() => ["min-regs", "direct", "direct-fexit", "direct-call"];

    [Theory]
    [MemberData(nameof(HookedShapes))]
    public void A_site_left_unpatched_is_caught_as_a_hook_not_counted(string strategy)
    {
        var options = new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKind.Counter, 2, CallingConvention.Host);
        var result = FootprintValidator.Validate(options, 64, null, leaveUnpatched: 37);
        Assert.False(result.Passed);
        var failure = Assert.Single(result.Failures, f => f.Check == "handler calls (the hook counted exactly)");
        Assert.StartsWith("1 of 64 functions; first function 37:", failure.Detail, StringComparison.Ordinal);
        Assert.Contains(result.Failures, f => f.Check == "driver: handler calls");
    }

    [Theory]
    [InlineData("min-regs", "sysv")]
    [InlineData("min-regs", "win64")]
    [InlineData("full-regs", "sysv")]
    [InlineData("direct", "sysv")]
    [InlineData("direct", "win64")]
    [InlineData("direct-fexit", "sysv")]
    public void A_trampoline_that_loses_an_argument_or_misaligns_the_stack_is_caught_for_every_function(string strategy, string abi)
    {
        HookSetOptions Mutant(TrampolineMutation mutation) =>
            new(StrategyCatalog.Parse(strategy), HandlerKind.Args, 2, CallingConvention.Parse(abi)) { Mutation = mutation };

        var lostArgument = FootprintValidator.Validate(Mutant(TrampolineMutation.SkipArgumentRestore), 16);
        Assert.Contains(lostArgument.Failures, f => f.Check.StartsWith("body arg0", StringComparison.Ordinal) && f.Detail.StartsWith("16 of 16", StringComparison.Ordinal));
        var misaligned = FootprintValidator.Validate(Mutant(TrampolineMutation.MisalignStack), 16);
        Assert.Contains(misaligned.Failures, f => f.Check == "handler entry rsp mod 16");
    }
}
