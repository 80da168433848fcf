using HookBench.Cli;
using HookBench.Comparison;
using HookBench.Tests.Cli;
using HookBench.Results;
using HookBench.Tests.Results;
using Xunit;

namespace HookBench.Tests.Comparison;

public sealed class CompareCliTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "hookbench-compare-" + Guid.NewGuid().ToString("N"));

    public CompareCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    string Summary(string name, params (string, double)[] cells) => Write(name, SummaryJson.Serialize(SummaryFilesTests.Sample(cells)));

    /// <summary>A summary from a given CPU: the published machine's Zen 5 VM, changed by <paramref name="cpu"/>.</summary>
    string SummaryOn(string name, Func<RunEnvironment, RunEnvironment> cpu, params (string, double)[] cells)
    {
        var sample = SummaryFilesTests.Sample(cells);
        var zen5 = sample.Environment with { Cpu = "AMD EPYC", CpuVendor = "AMD", CpuFamily = 26, CpuModel = 2, CpuStepping = 1, Microarchitecture = "Zen 5", Microcode = "0x1000065" };
        return Write(name, SummaryJson.Serialize(sample with { Environment = cpu(zen5) }));
    }

    static RunEnvironment Zen5(RunEnvironment e) => e;

    static RunEnvironment Zen4(RunEnvironment e) => e with { CpuFamily = 25, CpuModel = 17, Microarchitecture = "Zen 4" };

    static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void Exit_0_when_nothing_got_slower_and_1_on_a_regression()
    {
        string a = Summary("a/summary.json", ("direct", 2.0));
        string same = Summary("same/summary.json", ("direct", 2.0));
        string slower = Summary("slower/summary.json", ("direct", 3.0));
        Assert.Equal(0, Run("compare", a, same).Exit);
        var (exit, output, _) = Run("compare", Path.GetDirectoryName(a)!, Path.GetDirectoryName(slower)!);
        Assert.Equal(1, exit);
        Assert.StartsWith("### :red_circle: HookBench: 1 slower", output, StringComparison.Ordinal);
        var json = Run("compare", a, slower, "--format", "json");
        Assert.Equal(1, json.Exit);
        Assert.Contains("\"verdict\": \"slower\"", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_from_different_cpu_models_are_reported_but_not_gated_unless_asked()
    {
        string zen5 = SummaryOn("zen5/summary.json", Zen5, ("direct", 2.0));
        string zen4 = SummaryOn("zen4/summary.json", Zen4, ("direct", 3.0));
        const string Notice = "not gated: different hardware (family 26 model 2 (Zen 5) vs family 25 model 17 (Zen 4))";

        var (exit, output, _) = Run("compare", zen5, zen4);
        Assert.Equal(0, exit);
        Assert.Equal(Notice, output.Split('\n')[0]);
        Assert.Contains("(not gated): 1 slower", output, StringComparison.Ordinal);
        Assert.Contains("| direct/2/empty/throughput | overhead cycles |", output, StringComparison.Ordinal);

        var anyway = Run("compare", zen5, zen4, "--gate-anyway");
        Assert.Equal(1, anyway.Exit);
        Assert.StartsWith("gated anyway (--gate-anyway): different hardware (family 26 model 2 (Zen 5) vs family 25 model 17 (Zen 4))\n", anyway.Out, StringComparison.Ordinal);

        var json = Run("compare", zen5, zen4, "--format", "json");
        Assert.Equal(0, json.Exit);
        Assert.StartsWith("{\n  \"gate\": {\n    \"gated\": false,\n    \"fails\": false,", json.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"\"notice\": \"{Notice}\"", json.Out, StringComparison.Ordinal);
        Assert.Contains("\"verdict\": \"slower\"", json.Out, StringComparison.Ordinal);
        Assert.Equal(1, Run("compare", zen5, zen4, "--format", "json", "--gate-anyway").Exit);
    }

    [Fact]
    public void A_microcode_update_alone_is_not_gated_either()
    {
        string before = SummaryOn("before/summary.json", Zen5, ("direct", 2.0));
        string after = SummaryOn("after/summary.json", e => e with { Microcode = "0xb002147" }, ("direct", 3.0));
        var (exit, output, _) = Run("compare", before, after);
        Assert.Equal(0, exit);
        Assert.Equal("not gated: different hardware (microcode 0x1000065 vs 0xb002147)", output.Split('\n')[0]);
        Assert.Equal(1, Run("compare", before, after, "--gate-anyway").Exit);
    }

    [Fact]
    public void The_same_cpu_model_is_gated_across_kernels_and_old_summaries()
    {
        string published = SummaryOn("published/summary.json", e => e with { CpuVendor = null, CpuStepping = null, Microarchitecture = null }, ("direct", 2.0));
        string current = SummaryOn("current/summary.json", e => e with { Kernel = "6.19.0" }, ("direct", 3.0));
        var (exit, output, _) = Run("compare", published, current);
        Assert.Equal(1, exit);
        Assert.StartsWith("### :red_circle: HookBench: 1 slower", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_inputs_get_one_line_exit_2_and_nothing_written()
    {
        string good = Summary("good/summary.json", ("direct", 2.0));
        string other = Summary("other/summary.json", ("full-regs", 6.0));
        string corrupt = Write("corrupt.json", "{ \"schema\": ");
        string future = Write("future.json", "{ \"schema\": \"hookbench/2\", \"cells\": [] }");
        string bdn = Write("x-report-full.json", BdnReport(3.0));
        string emptyDir = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(emptyDir);
        string existing = Write("existing.md", "keep");
        (string[] Args, string Message)[] cases =
        [
            (["compare", Path.Combine(_dir, "nope"), good], "does not exist"),
            (["compare", good, corrupt], "corrupt JSON"),
            (["compare", good, future], "schema 'hookbench/2' is not supported; valid: hookbench/1"),
            (["compare", good, other], "no cells in common"),
            (["compare", emptyDir, good], "holds no summary.json or BenchmarkDotNet"),
            (["compare", good, bdn], "compare like with like"),
            (["compare", good, good, "--threshold", "150%"], "must lie between 0% and 100%"),
            (["compare", good, good, "--noise", "x"], "--noise 'x' is not a duration"),
            (["compare", good, good, "--format", "html"], "unknown format 'html'; valid: markdown, json"),
            (["compare", good, good, "--out", "/proc/hookbench/compare.md"], "not writable"),
            (["compare", good, good, "--out", emptyDir], "is a folder"),
        ];
        foreach (var (args, message) in cases)
        {
            var (exit, output, error) = Run(args);
            Assert.True(exit == 2, $"{string.Join(' ', args)} → {exit}: {error}");
            Assert.Contains(message, error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
            Assert.Equal(string.Empty, output);
        }

        Assert.Equal("keep", File.ReadAllText(existing));
        Assert.Empty(Directory.GetFileSystemEntries(emptyDir));
    }

    internal static string BdnReport(double hooked) => $$"""
            { "Title": "t", "HostEnvironmentInfo": { "ProcessorName": "CPU", "OsVersion": "Linux", "RuntimeVersion": ".NET 10" },
              "Benchmarks": [
                { "Method": "Unhooked", "Parameters": "Strategy=direct&Args=2&Handler=empty&Mode=throughput", "Statistics": { "OriginalValues": [1.0, 1.01, 0.99], "Median": 1.0 } },
                { "Method": "Hooked", "Parameters": "Strategy=direct&Args=2&Handler=empty&Mode=throughput",
                  "Statistics": { "OriginalValues": [{{hooked}}, {{hooked + 0.01}}, {{hooked - 0.01}}, {{hooked + 0.005}}], "Median": {{hooked}} } } ] }
            """;

    [Fact]
    public void A_benchmarkdotnet_report_compares_with_another()
    {
        string a = Write("bdn-a/results/x-report-full.json", BdnReport(3.0));
        string b = Write("bdn-b/results/x-report-full.json", BdnReport(4.0));
        var (exit, output, _) = Run("compare", Path.Combine(_dir, "bdn-a"), Path.Combine(_dir, "bdn-b"));
        Assert.Equal(1, exit);
        Assert.Contains("direct/2/empty/throughput | ns/call", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_benchmarkdotnet_run_with_launches_compares_one_sample_per_launch()
    {
        const string report = """
            { "Title": "t", "HostEnvironmentInfo": { "ProcessorName": "CPU", "OsVersion": "Linux", "RuntimeVersion": ".NET 10" },
              "Benchmarks": [ { "Method": "HookedAndUnhooked", "Parameters": "Strategy=direct&Args=2&Handler=empty&Mode=throughput", "Statistics": { "OriginalValues": [1.5], "Median": 1.5 } } ] }
            """;
        static string Launches(double overhead) => BdnLaunches.Serialize(new Dictionary<string, IReadOnlyList<BdnLaunch>>
        {
            ["direct/2/empty/throughput"] = [.. Enumerable.Range(0, 6).Select(i => new BdnLaunch("direct/2/empty/throughput", overhead + i * 0.01, overhead + 1, 1, 1000))],
            ["none/2/empty/throughput"] = [.. Enumerable.Range(0, 6).Select(i => new BdnLaunch("none/2/empty/throughput", i * 0.01 - 0.03, 1, 1, 1000))],
        });
        Write("launch-a/results/x-report-full.json", report);
        Write("launch-a/results/" + BdnLaunches.FileName, Launches(2.0));
        Write("launch-b/results/x-report-full.json", report);
        Write("launch-b/results/" + BdnLaunches.FileName, Launches(3.0));
        var (exit, output, _) = Run("compare", Path.Combine(_dir, "launch-a"), Path.Combine(_dir, "launch-b"));
        Assert.Equal(1, exit);
        Assert.True(output.Contains("| direct/2/empty/throughput | overhead ns (per launch) | 2.025 | 3.025 | +1.000 [+0.970; +1.030] | 0.101 |", StringComparison.Ordinal), output);
        Assert.Contains("1 slower, 0 faster, 1 same", output, StringComparison.Ordinal);
    }
}
