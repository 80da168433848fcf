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
    static IEnumerable<(string S, int A, string H, string M, string P, string X)> CrossProduct() =>
        from s in HookBenchmarks.StrategyNames
        from a in HookBenchmarks.ArgCounts
        from h in HookBenchmarks.HandlerNames
        from m in HookBenchmarks.ModeNames
        from p in HookBenchmarks.ProfileNames
        from x in HookBenchmarks.AttachValues
        select (s, a, h, m, p, x);

    /// <summary>The single-handler strategies: every one but ops-list, whose cost follows K.</summary>
    static int Strategies => StrategyCatalog.All.Count(s => !HookBench.Cells.Attachment.TakesOps(s));

    static bool Allowed((string S, int A, string H, string M, string P, string X) c, BdnMatrix matrix) =>
        MatrixFilter.Allowed(c.S, c.A, c.H, c.M, matrix, c.P, c.X);

    [Fact]
    public void The_standard_matrix_is_every_strategy_at_0_2_6_plus_latency_at_2()
    {
        var kept = CrossProduct().Where(c => Allowed(c, BdnMatrix.Standard)).ToList();
        Assert.Equal(Strategies * 3 + Strategies, kept.Count);
        Assert.Equal(44, kept.Count);      // eleven strategies: the thread's eight and issue 9's three
        Assert.All(kept, c => Assert.Equal("empty", c.H));
        Assert.All(kept, c => Assert.Equal("none", c.P));
        Assert.All(kept, c => Assert.Equal(BdnAttach.Default, c.X));
        Assert.DoesNotContain(kept, c => c.S == "ops-list");
        Assert.All(kept.Where(c => c.M == "latency"), c => Assert.Equal(2, c.A));
        Assert.Equal(Strategies * 3, CrossProduct().Count(c => Allowed(c, BdnMatrix.Crosscheck)));
    }

    [Fact]
    public void The_full_matrix_is_the_valid_cross_product()
    {
        var kept = CrossProduct().Where(c => Allowed(c, BdnMatrix.Full)).ToList();
        // 11 strategies × 7 args × 3 handlers × 3 modes = 693, less direct-call+args (7 × 3 = 21), less latency at
        // 0 args (11 × 3 = 33, one of which, direct-call+args, is already gone); profile none only.
        Assert.Equal(693 - 21 - 33 + 1, kept.Count(c => c.X == BdnAttach.Default && c.S != "ops-list"));
        Assert.DoesNotContain(kept, c => c.S == "direct-call" && c.H == "args");
        Assert.DoesNotContain(kept, c => c.M == "latency" && c.A == 0);
        Assert.All(kept, c => Assert.Equal("none", c.P));
        // Attached values reach only the strategies that take them, each once per its own axes.
        Assert.All(kept.Where(c => c.X != BdnAttach.Default), c => Assert.Contains(c.S, new[] { "ops-list", "direct" }));
        // ops-list: 7 ops values × (7 args × 3 handlers × 3 modes, less latency at 0 args for 3 handlers).
        Assert.Equal(7 * (7 * 3 * 3 - 3), kept.Count(c => c.S == "ops-list" && c.X.StartsWith("ops=", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_attach_matrix_is_the_issue_10_figures_at_2_args()
    {
        var kept = CrossProduct().Where(c => Allowed(c, BdnMatrix.Attach)).ToList();
        Assert.All(kept, c => Assert.Equal((2, "empty", "throughput", "none"), (c.A, c.H, c.M, c.P)));
        Assert.Contains(kept, c => c.S == "min-regs" && c.X == BdnAttach.Default);
        Assert.Contains(kept, c => c.S == "ops-list" && c.X == "ops=32");
        Assert.Contains(kept, c => c.S == "direct" && c.X == "progs=38");
        Assert.Contains(kept, c => c.S == "direct" && c.X == "bpf=bpf-6.18/lookup=padding");
        // min-regs, direct and ops-list at default, 7 ops values, 9 program values.
        Assert.Equal(3 + 7 + 9, kept.Count);
    }

    [Fact]
    public void The_mitigations_matrix_is_every_strategy_at_2_args_under_every_profile_it_can_use()
    {
        var kept = CrossProduct().Where(c => Allowed(c, BdnMatrix.Mitigations)).ToList();
        var every = HookBench.Mitigations.MitigationProfiles.Every;
        // direct-call refuses call-depth accounting; ops-list (indirect op->func calls) refuses it without retpolines.
        int refused = every.Count(p => p.CallDepthAccounting)
            + every.Count(p => p.CallDepthAccounting && p.IndirectCall != HookBench.Mitigations.IndirectCallKind.RetpolineThunk);
        Assert.Equal(StrategyCatalog.All.Count * HookBenchmarks.ProfileNames.Count() - refused, kept.Count);
        Assert.All(kept, c => Assert.True(c.A == 2 && c.H == "empty" && c.M == "throughput" && c.X == BdnAttach.Default));
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

    [Theory]
    [InlineData("ops-list", "none", "ops=8/match=0.125", "ops-list/2/counter/throughput/ops=8/match=0.125")]
    [InlineData("direct", "none", "bpf=bpf-6.18/lookup=padding", "direct/2/counter/throughput/bpf=bpf-6.18/lookup=padding")]
    [InlineData("ops-list", "retpoline", "ops=4", "ops-list/2/counter/throughput/profile=retpoline/ops=4")]
    public void An_attached_case_sets_up_through_its_attach_and_profile_parameters(string strategy, string profile, string attach, string key)
    {
        var bench = new HookBenchmarks { Strategy = strategy, Args = 2, Handler = "counter", Mode = "throughput", Profile = profile, Attach = attach };
        bench.Setup();
        for (int i = 0; i < 4; i++)
            Assert.Equal(0UL, bench.HookedAndUnhooked());     // hooked and unhooked return the same value
        Assert.Equal(key, bench.Launch()!.Key);
        bench.Cleanup();
        Assert.Equal("/" + attach, BdnAttach.Suffix(attach));
        Assert.True(HookBench.Cells.CellKey.TryParse(key, out var parsed, out string? error), error);
        Assert.Equal(key, parsed!.Text);
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
    [InlineData("--matrix '9' is not valid; valid: standard, full, mitigations, crosscheck, attach", "--matrix", "9")]
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
