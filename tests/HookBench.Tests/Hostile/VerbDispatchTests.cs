using HookBench.Cli;
using HookBench.Cli.Bdn;
using Xunit;

namespace HookBench.Tests.Hostile;

/// <summary>
/// Issue 15, classes 1 and 12: only an explicit way into BenchmarkDotNet reaches it; typos are refused in
/// one line with the nearest verb, and unknown options name the valid ones.
/// </summary>
public class VerbDispatchTests
{
    [Theory]
    [InlineData("unknown verb 'runn'; did you mean 'run'?", "runn")]
    [InlineData("unknown verb 'compre'; did you mean 'compare'?", "compre", "a", "b")]
    [InlineData("unknown verb 'RUN'; did you mean 'run'?", "RUN")]
    [InlineData("unknown verb 'Compare'; did you mean 'compare'?", "Compare", "a", "b")]
    [InlineData("unknown verb 'help'; did you mean '--help'?", "help")]
    [InlineData("unknown verb 'vaildate'; did you mean 'validate'?", "vaildate")]
    [InlineData("unknown verb 'ful'; did you mean 'full'?", "ful")]
    [InlineData("unknown verb 'frobnicate'; valid: list, disasm, validate, run, crosscheck, compare, sensitivity, report, publish, machine, coverage, ab, patch-stress, patch-latency, or 'full'", "frobnicate")]
    [InlineData("an empty verb was given; valid: list, disasm", "")]
    [InlineData("'--strategies' is an option of 'run', not of the BenchmarkDotNet suite; put the verb first", "--strategies", "x")]
    [InlineData("'--out' is an option of 'run', 'crosscheck', 'compare', 'report'", "--out", "x")]
    [InlineData("unknown option '--filtr'; did you mean '--filter'?", "--filtr", "*")]
    [InlineData("after 'full' give BenchmarkDotNet options", "full", "runn")]
    [InlineData("unknown option '--bogus'", "full", "--filter", "*", "--bogus")]
    public void Anything_but_an_explicit_way_in_is_refused_before_benchmarkdotnet(string expected, params string[] args)
    {
        var route = VerbDispatcher.Route(args);
        Assert.Equal(Dispatch.Target.Refused, route.To);
        Assert.StartsWith(expected, route.Refusal, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', route.Refusal!);
    }

    [Theory]
    [InlineData]
    [InlineData("full")]
    [InlineData("--filter", "*direct*")]
    [InlineData("--filter=*direct*", "--job", "short")]
    [InlineData("full", "--list", "flat")]
    [InlineData("--matrix", "full", "-f", "*")]
    [InlineData("--FILTER", "*")]
    public void No_arguments_full_and_benchmarkdotnet_options_reach_benchmarkdotnet(params string[] args)
    {
        var route = VerbDispatcher.Route(args);
        Assert.Equal(Dispatch.Target.BenchmarkDotNet, route.To);
        Assert.Equal(args.SkipWhile(a => a == "full").ToArray(), route.Args);
    }

    [Theory]
    [InlineData("run", "--strategies", "x")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--version")]
    public void Verbs_and_root_help_go_to_the_cli(params string[] args) =>
        Assert.Equal(Dispatch.Target.Verbs, VerbDispatcher.Route(args).To);

    [Theory]
    [InlineData("Option 'strategy' is defined with a bad format", "--strategy", "x")]
    [InlineData("The provided base job \"nope\" is invalid", "--job", "nope")]
    public void Benchmarkdotnet_arguments_are_checked_by_its_parser_before_any_work(string expected, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => BdnArguments.Validate(args));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(BdnArguments.Validate(["--filter", "*"]));
        Assert.True(BdnArguments.Validate(["--list", "flat"]));
    }

    [Fact]
    public void The_benchmarkdotnet_option_list_comes_from_its_parser()
    {
        foreach (string option in new[] { "--filter", "-f", "--job", "-j", "--list", "--exporters", "--artifacts", "--strategy", "--iterationCount", "--matrix", "--config" })
            Assert.Contains(option, BdnArguments.Options);
        Assert.DoesNotContain("--strategies", BdnArguments.Options);
    }

    [Theory]
    [InlineData("unknown option '--nope' for 'list'; it takes no options", "list", "--nope")]
    [InlineData("unknown option '--strategy' for 'run'; did you mean '--strategies'? valid: --strategies, --args, --handlers, --mode, --profiles, --reps, --measure-ms, --out, --cpu, --seed, --loop, --placements", "run", "--strategy", "direct")]
    [InlineData("unknown option '--treshold' for 'compare'; did you mean '--threshold'? valid: --threshold, --noise, --format, --out", "compare", "a", "b", "--treshold", "5%")]
    [InlineData("unexpected argument 'c' for 'compare'; it takes BASE CURRENT and options: --threshold", "compare", "a", "b", "c")]
    [InlineData("unexpected argument 'x' for 'list'; it takes no arguments", "list", "x")]
    [InlineData("Option '--args' is required ('disasm' takes options: --strategy, --args, --handler, --abi, --align, --profile, --ops, --match, --progs, --bpf, --lookup)", "disasm", "--strategy", "direct")]
    public void Parse_errors_name_what_the_verb_accepts(string expected, params string[] args)
    {
        string error = Scratch.Refused(expected, args);
        Assert.DoesNotContain("--help'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sensitivity_without_a_trampoline_lists_the_strategies_that_have_one()
    {
        Scratch.Refused("strategy none has no trampoline to slow down; valid: full-regs, min-regs, ipmodify-full, ipmodify-min, direct, direct-fexit", "sensitivity", "--strategy", "none");
    }

    [Theory]
    [InlineData("run", "run")]
    [InlineData("RUN", "run")]
    [InlineData("rnu", "run")]
    [InlineData("comp", "compare")]
    [InlineData("x", null)]
    [InlineData("publishing", "publish")]
    [InlineData("benchmark", null)]
    public void Near_matches_are_case_prefix_or_a_small_edit(string typed, string? expected) =>
        Assert.Equal(expected, NearMatch.Suggest(typed, HookBenchCli.VerbNames));
}
