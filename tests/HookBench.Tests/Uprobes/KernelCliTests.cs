using System.Text.Json;
using HookBench.Tests.Cli;
using HookBench.Uprobes;
using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// The CLI's contract for kernel probes: a refusal skips the cells with one line and exits 0; a host
/// without the uprobe PMU, asked for a kernel probe by name, is bad input (one line, exit 2, nothing written).
/// Both are simulated with HOOKBENCH_KERNEL_REFUSE, which the whole process reads: these tests run alone.
/// </summary>
[Collection(KernelProbeCollection.Name)]
public class KernelCliTests
{
    static (int Exit, string Out, string Err) RunRefusing(string refusal, params string[] args)
    {
        Environment.SetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable, refusal);
        try
        {
            return CliHarness.Run(args);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable, null);
        }
    }

    static string TempDir() => Path.Combine(Path.GetTempPath(), "hookbench-kernel-cli-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public void A_refused_perf_event_open_skips_the_kernel_cells_with_one_line_and_the_run_exits_0()
    {
        KernelProbeSkips.RequireLinuxX64();
        string dir = TempDir();
        try
        {
            var (exit, output, error) = RunRefusing("perf_event_open:EACCES",
                "run", "--strategies", "uprobe-nop5,uretprobe,direct", "--args", "2", "--reps", "5", "--measure-ms", "0.1", "--out", dir);
            Assert.Equal(0, exit);
            Assert.Equal(string.Empty, error);
            string flat = output.ReplaceLineEndings("\n");
            // Spectre wraps long lines at the console width; the line is one line before wrapping.
            string unwrapped = flat.Replace("\n", string.Empty, StringComparison.Ordinal);
            Assert.Contains("skipped 2 cells (uprobe-nop5/2/empty/throughput, uretprobe/2/empty/throughput): kernel uprobes unavailable: perf_event_open(", unwrapped, StringComparison.Ordinal);
            Assert.Contains("failed with EACCES", unwrapped, StringComparison.Ordinal);
            Assert.Contains("; to enable: ", unwrapped, StringComparison.Ordinal);

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            var cells = summary.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("strategy").GetString()).ToList();
            Assert.Equal(["direct"], cells);
            var skipped = summary.RootElement.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("cell").GetString()).ToList();
            Assert.Equal(["uprobe-nop5/2/empty/throughput", "uretprobe/2/empty/throughput"], skipped);
            Assert.Contains("- skipped 2 cells (uprobe-nop5/2/empty/throughput, uretprobe/2/empty/throughput): kernel uprobes unavailable: ",
                File.ReadAllText(Path.Combine(dir, "summary.md")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void A_refused_bpf_skips_only_the_cells_with_a_program()
    {
        KernelProbeSkips.RequireLinuxX64();
        string dir = TempDir();
        try
        {
            var (exit, output, _) = RunRefusing("bpf:EPERM",
                "run", "--strategies", "uprobe-nop5", "--args", "2", "--bpf-prog", "none,counter", "--reps", "5", "--out", dir);
            Assert.Equal(0, exit);
            Assert.Contains("skipped 1 cell (uprobe-nop5/2/empty/throughput/bpf-prog=counter): BPF programs on kernel probes unavailable: bpf(BPF_MAP_CREATE",
                output.ReplaceLineEndings("\n").Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            var cell = Assert.Single(summary.RootElement.GetProperty("cells").EnumerateArray());
            Assert.Equal("none", cell.GetProperty("bpf_program").GetString());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("instructions_per_call").ValueKind);
            Assert.StartsWith("uprobe: the kernel runs this part", cell.GetProperty("instructions_not_countable").GetString(), StringComparison.Ordinal);
            Assert.Equal(6, cell.GetProperty("user_instructions_per_call").GetInt32());
        }
        catch (Xunit.Sdk.XunitException) when (Directory.Exists(dir) && File.ReadAllText(Path.Combine(dir, "summary.json")).Contains("\"cells\": []", StringComparison.Ordinal))
        {
            throw new SkipException("this machine refused the probe itself, not only the BPF program");
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("run", "--strategies", "uprobe-trap", "--args", "2")]
    [InlineData("run", "--bpf-prog", "counter", "--args", "2")]
    [InlineData("validate", "--strategy", "uretprobe")]
    public void A_kernel_probe_asked_for_on_a_host_without_the_uprobe_pmu_is_one_line_and_exit_2(params string[] args)
    {
        string dir = TempDir();
        string[] withOut = args[0] == "run" ? [.. args, "--out", dir] : args;
        var (exit, output, error) = RunRefusing("uprobe_pmu:ENOENT", withOut);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        string line = Assert.Single(error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.StartsWith("hookbench: ", line, StringComparison.Ordinal);
        Assert.Contains("needs kernel uprobes and this host has none: kernel uprobes unavailable: ", line, StringComparison.Ordinal);
        Assert.Contains(OperatingSystem.IsLinux() ? "ENOENT (simulated: HOOKBENCH_KERNEL_REFUSE=uprobe_pmu:ENOENT)" : "Linux x86-64", line, StringComparison.Ordinal);
        Assert.Contains("to enable: ", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Without_the_pmu_kernel_cells_not_asked_for_by_name_are_skipped_and_the_run_goes_on()
    {
        // What ./run-bench.sh (the quick matrix) does on such a host: nothing named a kernel probe, so nothing is bad input.
        KernelProbes probes;
        Environment.SetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable, "uprobe_pmu:ENOENT");
        try
        {
            probes = KernelProbes.ForThisProcess();
        }
        finally
        {
            Environment.SetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable, null);
        }

        var missing = probes.MissingFacility();
        Assert.NotNull(missing);
        Assert.True(missing.HostLacksIt);
        var settings = new HookBench.Measurement.MeasurementSettings { Reps = 5, MeasurementTime = TimeSpan.FromMilliseconds(0.1) };
        IReadOnlyList<HookBench.Measurement.CellSpec> plan =
        [
            new(HookBench.Strategies.StrategyCatalog.UprobeTrap, 2, HookBench.Handlers.HandlerKind.Empty, HookBench.Cells.MeasurementMode.Throughput),
            new(HookBench.Strategies.StrategyCatalog.MinRegs, 2, HookBench.Handlers.HandlerKind.Empty, HookBench.Cells.MeasurementMode.Throughput),
        ];
        var summary = HookBench.Measurement.RunEngine.Execute(plan, settings, new HookBench.Measurement.Interference.NoInterferenceMonitor(), probes: probes);
        Assert.Equal(["min-regs/2/empty/throughput"], summary.Cells.Select(c => c.Key));
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal(missing.Line, skipped.Reason);
    }

    [Theory]
    [InlineData("unknown BPF program 'jit'; valid: none, empty, counter", "--bpf-prog", "none,jit")]
    [InlineData("the selection leaves no cell to measure: uprobe-nop5 args=2 counter throughput: strategy uprobe-nop5 refuses handler counter: the kernel runs the probe, not an emitted handler; choose what runs on each hit with the bpf-prog axis (bpf-prog=none, empty or counter); valid handlers for uprobe-nop5: empty", "--strategies", "uprobe-nop5", "--args", "2", "--handlers", "counter")]
    public void Bad_kernel_selections_get_one_line_and_exit_2(string message, params string[] args)
    {
        string dir = TempDir();
        var (exit, output, error) = CliHarness.Run(["run", .. args, "--out", dir]);
        Assert.Equal(2, exit);
        Assert.Equal($"hookbench: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, output);
        Assert.False(Directory.Exists(dir));
    }

    [SkippableFact]
    public void Validate_reports_refused_kernel_cases_as_skipped_with_one_line_and_exits_0()
    {
        KernelProbeSkips.RequireLinuxX64();
        var (exit, output, error) = RunRefusing("perf_event_open:EPERM", "validate", "--strategy", "uprobe-sstep");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        string unwrapped = output.ReplaceLineEndings("\n").Replace("\n", string.Empty, StringComparison.Ordinal);
        Assert.Contains("skipped 42 cases (uprobe-sstep): kernel uprobes unavailable: perf_event_open(uprobe on ", unwrapped, StringComparison.Ordinal);
        Assert.Contains("0 of 0 cases passed", unwrapped, StringComparison.Ordinal);
    }
}
