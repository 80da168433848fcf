using HookBench.Abi;
using HookBench.Cli;
using HookBench.Cli.Bdn;
using HookBench.Comparison;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;

namespace HookBench.Tests.Bdn;

public class BdnSuiteTests
{
    static IEnumerable<(string S, int A, string H, string M, string P)> CrossProduct() =>
        from s in HookBenchmarks.StrategyNames
        from a in HookBenchmarks.ArgCounts
        from h in HookBenchmarks.HandlerNames
        from m in HookBenchmarks.ModeNames
        from p in HookBenchmarks.ProfileNames
        select (s, a, h, m, p);

    static int Strategies => StrategyCatalog.All.Count;

    [Fact]
    public void The_standard_matrix_is_every_strategy_at_0_2_6_plus_latency_at_2()
    {
        var kept = CrossProduct().Where(c => MatrixFilter.Allowed(c.S, c.A, c.H, c.M, BdnMatrix.Standard, c.P)).ToList();
        Assert.Equal(Strategies * 3 + Strategies, kept.Count);
        Assert.All(kept, c => Assert.Equal("empty", c.H));
        Assert.All(kept, c => Assert.Equal("none", c.P));
        Assert.All(kept.Where(c => c.M == "latency"), c => Assert.Equal(2, c.A));
        Assert.Equal(Strategies * 3, CrossProduct().Count(c => MatrixFilter.Allowed(c.S, c.A, c.H, c.M, BdnMatrix.Crosscheck, c.P)));
    }

    [Fact]
    public void The_full_matrix_is_the_valid_cross_product()
    {
        var kept = CrossProduct().Where(c => MatrixFilter.Allowed(c.S, c.A, c.H, c.M, BdnMatrix.Full, c.P)).ToList();
        // 11 strategies × 7 args × 3 handlers × 3 modes = 693, less direct-call+args (7 × 3 = 21), less latency at
        // 0 args (11 × 3 = 33, one of which, direct-call+args, is already gone); profile none only.
        Assert.Equal(693 - 21 - 33 + 1, kept.Count);
        Assert.DoesNotContain(kept, c => c.S == "direct-call" && c.H == "args");
        Assert.DoesNotContain(kept, c => c.M == "latency" && c.A == 0);
        Assert.All(kept, c => Assert.Equal("none", c.P));
    }

    [Fact]
    public void The_mitigations_matrix_is_every_strategy_at_2_args_under_every_profile_it_can_use()
    {
        var kept = CrossProduct().Where(c => MatrixFilter.Allowed(c.S, c.A, c.H, c.M, BdnMatrix.Mitigations, c.P)).ToList();
        int refused = HookBench.Mitigations.MitigationProfiles.Every.Count(p => p.CallDepthAccounting);   // direct-call refuses call-depth accounting
        Assert.Equal(Strategies * HookBenchmarks.ProfileNames.Count() - refused, kept.Count);
        Assert.All(kept, c => Assert.True(c.A == 2 && c.H == "empty" && c.M == "throughput"));
        Assert.Equal(RunPlan.Mitigations().Count, kept.Count);
    }

    [Fact]
    public void The_managed_call_loop_returns_what_the_target_computes()
    {
        ulong[] values = [0x101, 0x202, 0x303, 0x404, 0x505, 0x606];
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        {
            using var pair = HookPair.Build(new HookSetOptions(StrategyCatalog.FullRegs, HandlerKind.Counter, n, CallingConvention.Host));
            ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, values[..n]);
            Assert.Equal(expected, NativeCallLoop.Throughput(pair.Unhooked.EntryPoint, n, 1));
            Assert.Equal(expected, NativeCallLoop.Throughput(pair.Hooked.EntryPoint, n, 1));
            Assert.Equal(0UL, NativeCallLoop.Throughput(pair.Hooked.EntryPoint, n, 2));   // x ^ x
            if (n == 0)
                continue;
            ulong chained = values[0];
            for (int i = 0; i < 3; i++)
                chained = TargetEmitter.Reference(TargetEmitter.TargetSeed, [chained, .. values[1..n]]);
            Assert.Equal(chained, NativeCallLoop.Latency(pair.Hooked.EntryPoint, n, 3));
            Assert.Equal(1UL + 2 + 3, pair.Hooked.Arena.ReadUInt64(pair.Hooked.Entry!.Slots.Counter.Address));
            Assert.Equal(0UL, pair.Unhooked.Arena.ReadUInt64(pair.Unhooked.Entry!.Slots.Counter.Address));
        }
    }

    [Fact]
    public void A_benchmark_case_alternates_hooked_and_unhooked_and_records_its_launch()
    {
        var bench = new HookBenchmarks { Strategy = "direct", Args = 3, Handler = "empty", Mode = "latency" };
        bench.Setup();
        for (int i = 0; i < 10; i++)
            Assert.Equal(0UL, bench.HookedAndUnhooked());     // the hook is transparent: both chains end on the same value
        var launch = bench.Launch()!;
        Assert.Equal(("direct/3/empty/latency", 10L), (launch.Key, launch.Invocations));
        Assert.True(launch.HookedNs > 0 && launch.UnhookedNs > 0);

        string directory = Path.Combine(Path.GetTempPath(), "hookbench-launches-" + Guid.NewGuid().ToString("N"));
        string? previous = Environment.GetEnvironmentVariable(BdnLaunches.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(BdnLaunches.DirectoryVariable, directory);
            bench.Cleanup();
            var recorded = Assert.Single(BdnLaunches.ReadLaunches(directory)["direct/3/empty/latency"]);
            Assert.Equal(launch.OverheadNs, recorded.OverheadNs, 6);
        }
        finally
        {
            Environment.SetEnvironmentVariable(BdnLaunches.DirectoryVariable, previous);
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Hookbench_verbs_stay_with_the_cli_and_everything_else_goes_to_benchmarkdotnet()
    {
        Assert.True(HookBenchCli.IsVerb(["list"]));
        Assert.True(HookBenchCli.IsVerb(["crosscheck"]));
        Assert.False(HookBenchCli.IsVerb([]));
        Assert.False(HookBenchCli.IsVerb(["--filter", "*"]));
        Assert.False(HookBenchCli.IsVerb(["full"]));
    }

    [Theory]
    [InlineData("--matrix '9' is not valid; valid: standard, full, mitigations, crosscheck", "--matrix", "9")]
    [InlineData("--config 'nightly' is not valid; valid: publish, ci", "--config", "nightly")]
    [InlineData("--matrix needs a value", "--matrix")]
    public void Bad_suite_options_get_one_line_and_exit_2(string message, params string[] args)
    {
        var error = new StringWriter();
        int exit = HookBenchCli.Guard(() => BdnRunner.Run(args, error), error);
        Assert.Equal(2, exit);
        Assert.Equal($"hookbench: {message}\n", error.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(1.0, 1.29, true)]
    [InlineData(1.0, 1.31, false)]
    [InlineData(10.0, 10.99, true)]
    [InlineData(10.0, 11.2, false)]
    public void Harnesses_agree_within_max_of_0_3_ns_and_10_percent(double native, double bdn, bool agree) =>
        Assert.Equal(agree, CrosscheckCommand.Agree(native, bdn));
}
