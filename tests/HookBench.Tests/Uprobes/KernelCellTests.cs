using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Native.Kernel;
using HookBench.Strategies;
using HookBench.Uprobes;
using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// Kernel-probe cells through the measurement harness on the real kernel (skipped with the refusal's line
/// where it says no), and the refusal and miscount paths with the kernel's answers replaced.
/// </summary>
[Collection(KernelProbeCollection.Name)]
public class KernelCellTests
{
    static readonly MeasurementSettings Quick = new()
    {
        Reps = 5, FirstHitSamples = 3, KernelMeasurementTime = TimeSpan.FromMilliseconds(0.1), MeasurementTime = TimeSpan.FromMilliseconds(0.1),
    };

    static Clocks Clocks() => ClockCalibration.Calibrate(TimeSpan.FromMilliseconds(30));

    static CellSpec Cell(Strategy strategy, ProbeProgram program) => new(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput, bpfProgram: program);

    /// <summary>Runs a cell on the real kernel, or skips with the one-line reason the kernel gave.</summary>
    static CellSamples RunOrSkip(CellSpec cell, KernelProbes? probes = null)
    {
        KernelProbeSkips.RequireLinuxX64();
        try
        {
            return CellRunner.Run(cell, Quick, Clocks(), probes);
        }
        catch (KernelUnavailableException refused)
        {
            throw new SkipException(refused.Message);
        }
    }

    [SkippableFact]
    public void A_nop5_uprobe_cell_with_the_counter_counts_every_call_and_reports_its_first_hits_and_the_site()
    {
        var samples = RunOrSkip(Cell(StrategyCatalog.UprobeNop5, ProbeProgram.Counter));
        var kernel = samples.Kernel!;
        Assert.True(kernel.CallsMade > (ulong)(Quick.Reps!.Value * (int)samples.CallsPerMeasurement));   // reps, warm-ups, calibration, first hit
        Assert.Equal(kernel.CallsMade, kernel.BpfCountedCalls);
        Assert.Equal(Quick.FirstHitSamples, kernel.FirstHitSamplesNs.Count);
        Assert.Equal("uprobe", kernel.Probe);
        // The kernel runs the site; the user-space part is the body: mov, (imul, xor) × 2, ret.
        Assert.False(samples.HookedPath.IsStatic);
        Assert.Equal(6, samples.HookedPath.Instructions);
        Assert.Equal(7, samples.BaselinePath.Instructions);
        Assert.NotNull(kernel.Optimized);
        if (KernelSymbols.Read() is { Nop5Optimization: true })
            Assert.Equal("call [uprobes-trampoline] (optimized)", kernel.SiteAfterFirstHit);
        Assert.Equal(kernel.Optimized == true ? Quick.FirstHitSamples : kernel.FirstHitsOptimized, kernel.FirstHitsOptimized);
    }

    [SkippableFact]
    public void A_trap_cell_leaves_an_int3_and_counts_the_instructions_around_the_emulated_push()
    {
        var samples = RunOrSkip(Cell(StrategyCatalog.UprobeTrap, ProbeProgram.None));
        var kernel = samples.Kernel!;
        Assert.Equal("int3", kernel.SiteAfterFirstHit);
        Assert.Null(kernel.Optimized);
        Assert.Null(kernel.BpfCountedCalls);
        Assert.Equal("push rbp", kernel.ProbedInstruction);
        // nop5, mov rbp, lea, mov rax, (imul, xor) × 2, pop rbp, ret: everything but the push.
        Assert.Equal(10, samples.HookedPath.Instructions);
        Assert.Equal(11, samples.BaselinePath.Instructions);
        Assert.Contains("uprobe: the kernel runs this part", samples.HookedPath.NotStatic, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_counter_that_disagrees_with_the_calls_made_fails_the_cell_loudly()
    {
        KernelProbeSkips.RequireLinuxX64();
        var real = KernelProbes.ForThisProcess();
        var miscounting = new KernelProbes(new MiscountingKernelProbeCalls(), real.Environment, UprobePmu.Discover);
        var cell = Cell(StrategyCatalog.Uretprobe, ProbeProgram.Counter);
        CheckFailedException failure;
        try
        {
            failure = Assert.Throws<CheckFailedException>(() => CellRunner.Run(cell, Quick, Clocks(), miscounting));
        }
        catch (Xunit.Sdk.ThrowsException e) when (e.InnerException is KernelUnavailableException refused)
        {
            throw new SkipException(refused.Message);
        }

        Assert.StartsWith("uretprobe/2/empty/throughput/bpf-prog=counter: the BPF counter program counted ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be trusted", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [SkippableFact]
    public void A_refused_probe_skips_its_cell_with_one_line_and_the_run_measures_the_rest()
    {
        KernelProbeSkips.RequireLinuxX64();
        var environment = new KernelEnvironment("6.18.44", 1000, 0, 2, 2, "none", 0);
        var refusing = new KernelProbes(new RefusingKernelProbeCalls(new LinuxKernelProbeCalls(), KernelCall.PerfEventOpen, Errno.EACCES),
            environment, () => new UprobePmu(8, 0));
        IReadOnlyList<CellSpec> plan = [Cell(StrategyCatalog.UprobeNop5, ProbeProgram.None), new CellSpec(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput)];

        var summary = RunEngine.Execute(plan, Quick, new NoInterferenceMonitor(), probes: refusing);

        Assert.Equal(["direct/2/empty/throughput"], summary.Cells.Select(c => c.Key));
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal("uprobe-nop5/2/empty/throughput", skipped.Cell);
        Assert.StartsWith("kernel uprobes unavailable: perf_event_open(uprobe on /proc/", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("EACCES", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("; to enable: ", skipped.Reason, StringComparison.Ordinal);
        var line = Assert.Single(HookBench.Results.SkippedCell.Lines(summary.Skipped));
        Assert.StartsWith("skipped 1 cell (uprobe-nop5/2/empty/throughput): kernel uprobes unavailable: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }
}
