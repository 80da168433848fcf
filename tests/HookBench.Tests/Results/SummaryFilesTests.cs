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
    public void Attached_cells_carry_their_axes_in_json_csv_markdown_and_their_key()
    {
        var summary = Sample(("ops-list", 20.0), ("direct", 9.0), ("min-regs", 3.0));
        summary = summary with
        {
            Cells =
            [
                summary.Cells[0] with { Ops = 8, Match = 0.125m },
                summary.Cells[1] with { Progs = 4, Bpf = "bpf-6.18", Lookup = "const" },
                summary.Cells[2],
            ],
        };
        string json = SummaryJson.Serialize(summary);
        Assert.Contains("\"ops\": 8", json, StringComparison.Ordinal);
        Assert.Contains("\"match\": 0.125", json, StringComparison.Ordinal);
        Assert.Contains("\"bpf\": \"bpf-6.18\"", json, StringComparison.Ordinal);
        var back = SummaryJson.Deserialize(json, "test");
        Assert.Equal(
            ["ops-list/2/empty/throughput/ops=8/match=0.125", "direct/2/empty/throughput/progs=4/bpf=bpf-6.18", "min-regs/2/empty/throughput"],
            back.Cells.Select(c => c.Key));
        Assert.Equal("ops-list ops=8 match=0.125", back.Cells[0].Variant);
        Assert.EndsWith(",ops,match,progs,bpf,lookup", SummaryCsv.Header, StringComparison.Ordinal);
        Assert.Contains(",8,0.125,,,\n", SummaryCsv.Render(back), StringComparison.Ordinal);
        Assert.Contains(",,,4,bpf-6.18,const\n", SummaryCsv.Render(back), StringComparison.Ordinal);
        Assert.Contains("| direct progs=4 bpf=bpf-6.18 | 2 |", SummaryMarkdown.Render(back), StringComparison.Ordinal);
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
