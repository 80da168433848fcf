using HookBench.Cells;
using HookBench.Abi;
using HookBench.Disassembly;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Measurement;

[Collection(TimingCollection.Name)]
public class MeasurementTests
{
    [Fact]
    public void Repetitions_alternate_which_side_goes_first()
    {
        var order = Enumerable.Range(0, 8).Select(r => CellRunner.BaselineFirst(r) ? "AB" : "BA");
        Assert.Equal("AB BA AB BA AB BA AB BA", string.Join(' ', order));
    }

    [Fact]
    public void Executed_instructions_are_the_trampoline_and_handler_listings_plus_the_call_that_replaced_the_nop()
    {
        foreach (var strategy in new[] { StrategyCatalog.FullRegs, StrategyCatalog.MinRegs, StrategyCatalog.Direct })
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        {
            using var set = HookSetBuilder.Build(new HookSetOptions(strategy, HandlerKind.Args, n, CallingConvention.SysV));
            int unhooked = ExecutedPath.Walk(set).Instructions;
            set.Attach();
            int hooked = ExecutedPath.Walk(set).Instructions;
            var listing = new Disassembler(set);
            var lines = listing.Blob(set.Trampoline!);
            int trampoline = lines.ToList().FindIndex(l => l.Code == Iced.Intel.Code.Retnq) + 1;   // what follows ret never runs
            int handler = listing.Blob(set.Entry!.Blob).Count;
            Assert.Equal(trampoline + handler, hooked - unhooked);
        }
    }

    [Fact]
    public void The_direct_trampoline_adds_seven_plus_two_instructions_per_argument()
    {
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        {
            using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.Direct, HandlerKind.Empty, n, CallingConvention.SysV));
            int unhooked = ExecutedPath.Walk(set).Instructions;
            Assert.Equal(3 + 2 * n, unhooked);                    // nop, mov rax, seed, (imul, xor) × n, ret
            set.Attach();
            Assert.Equal(7 + 2 * n, ExecutedPath.Walk(set).Instructions - unhooked);
        }
    }

    [Fact]
    public void Fexit_and_redirect_paths_are_walked_through_the_body_they_really_run()
    {
        using var fexit = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.DirectFexit, HandlerKind.Empty, 2, CallingConvention.SysV));
        int body = ExecutedPath.Walk(fexit).Instructions - 1;                  // the body without the site's nop
        fexit.Attach();
        // call + trampoline (to ret) + two handler rets + body from func+5
        int trampoline = new Disassembler(fexit).Blob(fexit.Trampoline!).Count;
        Assert.Equal(1 + trampoline + 2 + body, ExecutedPath.Walk(fexit).Instructions);

        using var redirect = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.IpModifyMin, HandlerKind.Empty, 2, CallingConvention.SysV));
        int unhooked = ExecutedPath.Walk(redirect).Instructions;
        redirect.Attach();
        Assert.True(ExecutedPath.Walk(redirect).Instructions > unhooked + 30);
    }

    [Fact]
    public void Latency_mode_needs_an_argument_to_chain()
    {
        var key = new CellKey(StrategyCatalog.Direct, 0, HandlerKind.Empty, MeasurementMode.Latency);
        Assert.False(key.TryValidate(out string? why));
        Assert.Contains("args >= 1", why);
        Assert.Contains("args >= 1", Assert.Throws<UsageException>(() => key.Validate()).Message);
        using var set = HookSetBuilder.Emit(key.HookSet(CallingConvention.Host));
        Assert.Throws<ArgumentException>(() => TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Latency));
    }

    [Fact]
    public void The_timing_loop_calls_the_target_unroll_times_per_iteration()
    {
        // The instrumented target counts its own runs: 5 iterations × Unroll calls.
        using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.None, HandlerKind.Empty, 2, CallingConvention.Host) { Instrumented = true });
        var harness = TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Latency);
        set.Seal();
        ulong ticks = set.Arena.Invoke(harness.Blob.Address, 5);
        Assert.True(ticks > 0);
        Assert.Equal((ulong)(5 * TimingHarness.Unroll), set.Arena.ReadUInt64(set.TargetWitness!.Hits.Address));
    }

    [Fact]
    public void Clocks_are_calibrated_to_plausible_rates()
    {
        var clocks = ClockCalibration.Calibrate(TimeSpan.FromMilliseconds(60));
        Assert.InRange(clocks.TscHz, 0.5e9, 10e9);
        Assert.InRange(clocks.CoreHz, 0.3e9, 10e9);
        Assert.Equal(1.0, clocks.TicksToNs(clocks.TscHz / 1e9), 6);
    }

    [Fact]
    public void A_hooked_call_measures_slower_than_the_same_call_unhooked()
    {
        var clocks = ClockCalibration.Calibrate(TimeSpan.FromMilliseconds(60));
        var settings = new MeasurementSettings { Reps = 9, MeasurementTime = TimeSpan.FromMilliseconds(0.5) };
        var samples = CellRunner.Run(new CellSpec(StrategyCatalog.FullRegs, 2, HandlerKind.Empty, MeasurementMode.Throughput), settings, clocks);
        Assert.Equal(9, samples.Reps.Count);
        double hooked = samples.Reps.Select(r => r.HookedNs).Order().ElementAt(4);
        double baseline = samples.Reps.Select(r => r.BaselineNs).Order().ElementAt(4);
        // Generous: full-regs runs ~60 more instructions including pushfq/popfq; demand only 1.5×.
        Assert.True(hooked > 1.5 * baseline, $"hooked {hooked:F2} ns vs baseline {baseline:F2} ns");
    }

    [Fact]
    public void Repetitions_overlapped_by_runtime_events_are_discarded_and_counted_by_kind()
    {
        var reps = Enumerable.Range(0, 10).Select(i => new RepetitionSample(1.0, 2.0 + i * 0.01, i * 100, i * 100 + 50)).ToList();
        var samples = new CellSamples(new CellSpec(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput), reps, 1000, new PathWalk(18, null), new PathWalk(7, null));
        // Windows are [100i, 100i + 50]: gc hits reps 1 and 9, the jit interval reps 3 and 4, the last gc none.
        InterferenceEvent[] events = [new("gc", 120, 130), new("jit", 260, 450), new("gc", 940, 940), new("gc", 70, 90)];
        var result = CellStatistics.Summarize(samples, new Clocks(1e9, 2e9), events);
        Assert.Equal(10, result.Reps);
        Assert.Equal(4, result.DiscardedReps);
        Assert.Equal(6, result.OverheadSamplesNs.Count);
        Assert.Equal(2, result.DiscardReasons!["gc"]);
        Assert.Equal(2, result.DiscardReasons["jit"]);
    }
}
