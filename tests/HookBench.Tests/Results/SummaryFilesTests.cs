using HookBench.Statistics;
using HookBench.Results;
using Xunit;

namespace HookBench.Tests.Results;

public class SummaryFilesTests
{
    public static RunSummary Sample(params (string Strategy, double Overhead)[] cells) => new()
    {
        Schema = RunSummary.CurrentSchema,
        Environment = new RunEnvironment
        {
            Cpu = "Test CPU", CpuFamily = 25, CpuModel = 1, Microcode = "0x1", Os = "Linux", Kernel = "6.1.0",
            Hypervisor = "KVM", Runtime = ".NET 10", TscHz = 2.5e9, CoreHzEstimate = 4e9, PinnedCpu = 1,
            Mitigations = new Dictionary<string, string> { ["spectre_v2"] = "Mitigation: Retpolines" },
        },
        Run = new RunInfo
        {
            StartedUtc = "2026-11-25T00:00:00Z", WallSeconds = 4.2, Reps = 0, MeasurementMs = 1, Seed = 1,
            Abi = "sysv", Interference = "test", RepsPolicy = "adaptive",
        },
        Cells = [.. cells.Select(c => new CellResult
        {
            Strategy = c.Strategy, Args = 2, Handler = "empty", Mode = "throughput", Reps = 3, DiscardedReps = 0,
            NsPerCall = new Estimate(1 + c.Overhead, 0.9 + c.Overhead, 1.1 + c.Overhead),
            OverheadNs = new Estimate(c.Overhead, c.Overhead - 0.1, c.Overhead + 0.1),
            OverheadSamplesNs = [c.Overhead - 0.05, c.Overhead, c.Overhead + 0.05],
            CyclesPerCall = 4 * (1 + c.Overhead), OverheadCycles = 4 * c.Overhead, InstructionsPerCall = 18,
            BaselineNsPerCall = new Estimate(1, 0.9, 1.1), BaselineInstructions = 7, HookInstructions = 11, Ratio = 1 + c.Overhead,
            DiscardReasons = new Dictionary<string, int>(),
        })],
    };

    [Fact]
    public void Summary_json_round_trips_with_the_contract_field_names()
    {
        var summary = Sample(("direct", 2.0), ("full-regs", 5.5));
        string json = SummaryJson.Serialize(summary);
        foreach (string field in new[] { "\"schema\": \"hookbench/1\"", "\"cpu_family\"", "\"tsc_hz\"", "\"core_hz_estimate\"", "\"pinned_cpu\"",
                     "\"mitigations\"", "\"discarded_reps\"", "\"ns_per_call\"", "\"ci_low\"", "\"overhead_samples_ns\"", "\"overhead_cycles\"", "\"instructions_per_call\"" })
            Assert.Contains(field, json, StringComparison.Ordinal);
        var back = SummaryJson.Deserialize(json, "test");
        Assert.Equal(json, SummaryJson.Serialize(back));
    }

    [Theory]
    [InlineData("{ not json", "test: corrupt JSON")]
    [InlineData("{\"cells\": []}", "test: not a HookBench summary")]
    [InlineData("{\"schema\": \"hookbench/9\"}", "test: schema 'hookbench/9' is not supported; valid: hookbench/1")]
    [InlineData("{\"schema\": \"hookbench/1\", \"cells\": []}", "test: does not match hookbench/1")]
    public void Unreadable_summaries_are_refused_with_one_line(string json, string expected)
    {
        var error = Assert.Throws<UsageException>(() => SummaryJson.Deserialize(json, "test"));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Csv_and_markdown_have_a_row_per_cell()
    {
        var summary = Sample(("direct", 2.0), ("full-regs", 5.5));
        Assert.Equal(3, SummaryCsv.Render(summary).Trim().Split('\n').Length);
        Assert.Contains("| full-regs | 2 | empty | throughput | 6.50 | 5.50 [5.40; 5.60] |", SummaryMarkdown.Render(summary), StringComparison.Ordinal);
    }

    [Fact]
    public void Cells_off_the_default_axes_show_their_function_count_and_caller()
    {
        var summary = Sample(("direct", 2.0), ("min-regs", 3.3));
        summary = summary with { Cells = [summary.Cells[0] with { Caller = "rolled", CallerInstructionsPerCall = 7 }, summary.Cells[1] with { Functions = 256, HookCodeBytes = 211 }] };
        string markdown = SummaryMarkdown.Render(summary);
        Assert.Contains("| strategy | args | handler | mode | functions | caller | ns/call |", markdown, StringComparison.Ordinal);
        Assert.Contains("| min-regs | 2 | empty | throughput | 256 | unrolled | 4.30 |", markdown, StringComparison.Ordinal);
        string[] csv = SummaryCsv.Render(summary).Trim().Split('\n');
        Assert.EndsWith(",functions,caller,hook_code_bytes,caller_instructions_per_call", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",1,rolled,,7", csv[1], StringComparison.Ordinal);
        Assert.EndsWith(",256,unrolled,211,", csv[2], StringComparison.Ordinal);
        var back = SummaryJson.Deserialize(SummaryJson.Serialize(summary), "test");
        Assert.Equal(["direct/2/empty/throughput/caller=rolled", "min-regs/2/empty/throughput/functions=256"], back.Cells.Select(c => c.Key));
    }

    [Fact]
    public void A_summary_written_before_the_footprint_and_caller_axes_reads_as_one_function_unrolled()
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(SummaryJson.Serialize(Sample(("direct", 2.0))))!;
        var row = document["cells"]![0]!.AsObject();
        foreach (string field in new[] { "functions", "caller", "hook_code_bytes", "caller_instructions_per_call", "footprint" })
            Assert.True(row.Remove(field), field);
        string json = document.ToJsonString();
        var cell = SummaryJson.Deserialize(json, "old").Cells.Single();
        Assert.Equal(1, cell.Functions);
        Assert.Equal("unrolled", cell.Caller);
        Assert.Equal("direct/2/empty/throughput", cell.Key);
    }

    [Fact]
    public void Atomic_writes_leave_all_files_or_none_and_no_temporaries()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-atomic-" + Guid.NewGuid().ToString("N"));
        try
        {
            AtomicFiles.WriteAll(dir, new Dictionary<string, string> { ["a.txt"] = "old a", ["b.txt"] = "old b" });

            // Block the second file's temporary name with a folder: the write fails part-way.
            Directory.CreateDirectory(Path.Combine(dir, $".b.txt.{Environment.ProcessId}.tmp"));
            Assert.Throws<UsageException>(() => AtomicFiles.WriteAll(dir, new Dictionary<string, string> { ["a.txt"] = "new a", ["b.txt"] = "new b" }));
            Assert.Equal("old a", File.ReadAllText(Path.Combine(dir, "a.txt")));
            Assert.Equal("old b", File.ReadAllText(Path.Combine(dir, "b.txt")));
            Assert.False(File.Exists(Path.Combine(dir, $".a.txt.{Environment.ProcessId}.tmp")));

            Directory.Delete(Path.Combine(dir, $".b.txt.{Environment.ProcessId}.tmp"));
            AtomicFiles.WriteAll(dir, new Dictionary<string, string> { ["a.txt"] = "new a", ["b.txt"] = "new b" });
            Assert.Equal("new b", File.ReadAllText(Path.Combine(dir, "b.txt")));
            Assert.Equal(["a.txt", "b.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Output_folders_that_cannot_take_the_files_are_refused_before_any_work()
    {
        string file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<UsageException>(() => AtomicFiles.EnsureWritableDirectory(file, "--out"));
            Assert.Contains("is an existing file", error.Message);
        }
        finally
        {
            File.Delete(file);
        }

        if (OperatingSystem.IsLinux())
            Assert.Throws<UsageException>(() => AtomicFiles.EnsureWritableDirectory("/proc/hookbench/out", "--out"));
    }
}
