using HookBench.Cli;
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
        Assert.Contains("1 slower", output, StringComparison.Ordinal);
        var json = Run("compare", a, slower, "--format", "json");
        Assert.Equal(1, json.Exit);
        Assert.Contains("\"verdict\": \"slower\"", json.Out, StringComparison.Ordinal);
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
}
