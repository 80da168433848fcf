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
            Cpu = "Test CPU", CpuVendor = "AMD", CpuFamily = 25, CpuModel = 1, CpuStepping = 1, Microarchitecture = "Zen 3",
            Microcode = "0x1", Os = "Linux", Kernel = "6.1.0",
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
            Strategy = c.Strategy, Args = 2, Handler = "empty", Mode = "throughput", Reps = 12, DiscardedReps = 0,
            NsPerCall = new Estimate(1 + c.Overhead, 0.9 + c.Overhead, 1.1 + c.Overhead),
            OverheadNs = new Estimate(c.Overhead, c.Overhead - 0.1, c.Overhead + 0.1),
            OverheadSamplesNs = [.. Enumerable.Range(0, 12).Select(i => c.Overhead + (i % 3 - 1) * 0.05)],
            OverheadSampleRounds = [.. Enumerable.Range(0, 12)],
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
        foreach (string field in new[] { "\"schema\": \"hookbench/1\"", "\"cpu_family\"", "\"cpu_vendor\": \"AMD\"", "\"cpu_stepping\": 1", "\"microarchitecture\": \"Zen 3\"", "\"tsc_hz\"", "\"core_hz_estimate\"", "\"pinned_cpu\"",
                     "\"mitigations\"", "\"discarded_reps\"", "\"ns_per_call\"", "\"ci_low\"", "\"overhead_samples_ns\"", "\"overhead_cycles\"", "\"instructions_per_call\"" })
            Assert.Contains(field, json, StringComparison.Ordinal);
        var back = SummaryJson.Deserialize(json, "test");
        Assert.Equal(json, SummaryJson.Serialize(back));
    }

    [Fact]
    public void A_summary_written_before_vendor_stepping_and_microarchitecture_were_recorded_still_loads()
    {
        string json = SummaryJson.Serialize(Sample(("direct", 2.0)));
        foreach (string field in new[] { "cpu_vendor", "cpu_stepping", "microarchitecture" })
            json = System.Text.RegularExpressions.Regex.Replace(json, $"\\s*\"{field}\": [^,]+,", string.Empty);
        Assert.DoesNotContain("cpu_stepping", json, StringComparison.Ordinal);

        var environment = SummaryJson.Deserialize(json, "old").Environment;
        Assert.Null(environment.CpuVendor);
        Assert.Null(environment.CpuStepping);
        Assert.Null(environment.Microarchitecture);
        Assert.Equal(new HookBench.Machine.CpuIdentity(null, 25, 1, null, "0x1", null), environment.Identity());
        Assert.Equal("Test CPU (family 25, model 1, microcode 0x1)", environment.DescribeCpu());
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
    public void A_summary_written_before_profiles_reads_as_profile_none_and_keys_stay_what_they_were()
    {
        string json = SummaryJson.Serialize(Sample(("direct", 2.0)));
        string old = string.Join('\n', json.Split('\n').Where(line => !line.Contains("\"profile\"", StringComparison.Ordinal)));
        Assert.DoesNotContain("\"profile\"", old, StringComparison.Ordinal);
        var cell = SummaryJson.Deserialize(old, "old").Cells[0];
        Assert.Equal("none", cell.Profile);
        Assert.Equal("direct/2/empty/throughput", cell.Key);
        Assert.Equal("direct/2/empty/throughput/profile=srso", (cell with { Profile = "srso" }).Key);
    }

    [Fact]
    public void Csv_and_markdown_have_a_row_per_cell()
    {
        var summary = Sample(("direct", 2.0), ("full-regs", 5.5));
        Assert.Equal(3, SummaryCsv.Render(summary).Trim().Split('\n').Length);
        Assert.Contains("| full-regs | 2 | empty | throughput | none | 6.50 | 5.50 [5.40; 5.60] |", SummaryMarkdown.Render(summary), StringComparison.Ordinal);
        Assert.Contains(",outliers,profile,", SummaryCsv.Header, StringComparison.Ordinal);
        int profileColumn = Array.IndexOf(SummaryCsv.Header.Split(','), "profile");
        Assert.All(SummaryCsv.Render(summary).Trim().Split('\n').Skip(1), row => Assert.Equal("none", row.Split(',')[profileColumn]));
        // Columns are only ever appended: the kernel-probe columns come last.
        Assert.EndsWith(",bpf_program,user_instructions_per_call,first_hit_overhead_ns,site_after_first_hit,bpf_counted_calls", SummaryCsv.Header, StringComparison.Ordinal);
        Assert.Contains("- CPU: Test CPU (AMD, Zen 3, family 25, model 1, stepping 1, microcode 0x1)\n", SummaryMarkdown.Render(summary), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cell_that_missed_its_precision_target_is_marked_and_counted_in_every_table()
    {
        var summary = Sample(("direct", 2.0), ("full-regs", 5.5));
        summary = summary with
        {
            Cells = [summary.Cells[0] with { Precision = new CellPrecision(true, 0.05, 0.1) }, summary.Cells[1] with { Precision = new CellPrecision(false, 0.9, 0.19) }],
        };
        string markdown = SummaryMarkdown.Render(summary);
        Assert.Contains("| full-regs | 2 | empty | throughput | none | 6.50 | 5.50 [5.40; 5.60] † |", markdown, StringComparison.Ordinal);
        Assert.Contains("| direct | 2 | empty | throughput | none | 3.00 | 2.00 [1.90; 2.10] |", markdown, StringComparison.Ordinal);
        Assert.Contains("1 of 2 cells (marked †) missed their precision target and are left out of regression gating: full-regs/2/empty/throughput ±0.90 ns against ±0.19 allowed", markdown, StringComparison.Ordinal);
        Assert.Contains(",no,", SummaryCsv.Render(summary).Split('\n')[2], StringComparison.Ordinal);
        string page = HookBench.Reporting.ReportBuilder.Render([new HookBench.Reporting.PublishedMachine("m", summary)]);
        Assert.Contains("5.50 [5.40; 5.60] †", page, StringComparison.Ordinal);
        Assert.Contains("1 of 2 cells (marked †)", page, StringComparison.Ordinal);
        string json = SummaryJson.Serialize(summary);
        Assert.Contains("\"precision\": {", json, StringComparison.Ordinal);
        Assert.Contains("\"overhead_sample_rounds\": [", json, StringComparison.Ordinal);
    }

    [Fact]
    public void An_estimate_without_an_interval_is_written_with_null_bounds_and_read_back()
    {
        var summary = Sample(("direct", 2.0));
        summary = summary with { Cells = [summary.Cells[0] with { OverheadNs = Estimate.PointOnly(2.0) }] };
        string json = SummaryJson.Serialize(summary);
        Assert.Contains("\"ci_low\": null", json, StringComparison.Ordinal);
        Assert.False(SummaryJson.Deserialize(json, "test").Cells[0].OverheadNs.HasInterval);
        Assert.Contains("2.00 (no 95% interval)", SummaryMarkdown.Render(summary), StringComparison.Ordinal);
    }

    [Fact]
    public void Cells_off_the_default_axes_show_their_function_count_and_caller()
    {
        var summary = Sample(("direct", 2.0), ("min-regs", 3.3));
        summary = summary with { Cells = [summary.Cells[0] with { Caller = "rolled", CallerInstructionsPerCall = 7 }, summary.Cells[1] with { Functions = 256, HookCodeBytes = 211 }] };
        string markdown = SummaryMarkdown.Render(summary);
        Assert.Contains("| strategy | args | handler | mode | profile | functions | caller | ns/call |", markdown, StringComparison.Ordinal);
        Assert.Contains("| min-regs | 2 | empty | throughput | none | 256 | unrolled | 4.30 |", markdown, StringComparison.Ordinal);
        string[] csv = SummaryCsv.Render(summary).Trim().Split('\n');
        // The kernel-probe columns follow, empty for these cells.
        Assert.EndsWith(",hook_code_bytes,stack_bytes,placements,functions,caller,caller_instructions_per_call,ops,match,progs,bpf,lookup,"
            + "bpf_program,user_instructions_per_call,first_hit_overhead_ns,site_after_first_hit,bpf_counted_calls", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",1,rolled,7,,,,,,,,,,", csv[1], StringComparison.Ordinal);
        Assert.EndsWith(",211,,,256,unrolled,,,,,,,,,,,", csv[2], StringComparison.Ordinal);
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
        Assert.Contains(",ops,match,progs,bpf,lookup,", SummaryCsv.Header, StringComparison.Ordinal);
        // The kernel-probe columns follow, empty for these cells.
        Assert.Contains(",8,0.125,,,,,,,,\n", SummaryCsv.Render(back), StringComparison.Ordinal);
        Assert.Contains(",,,4,bpf-6.18,const,,,,,\n", SummaryCsv.Render(back), StringComparison.Ordinal);
        Assert.Contains("| direct progs=4 bpf=bpf-6.18 | 2 |", SummaryMarkdown.Render(back), StringComparison.Ordinal);
    }

    [Fact]
    public void Atomic_writes_leave_all_files_or_none_and_no_temporaries()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-atomic-" + Guid.NewGuid().ToString("N"));
        try
        {
            AtomicFiles.WriteAll(dir, new Dictionary<string, string> { ["a.txt"] = "old a", ["b.txt"] = "old b" });

            // A folder where the third file goes: a.txt and b.txt are replaced first, then the move fails.
            Directory.CreateDirectory(Path.Combine(dir, "c.txt"));
            var error = Assert.Throws<UsageException>(() => AtomicFiles.WriteAll(dir, new Dictionary<string, string> { ["a.txt"] = "new a", ["b.txt"] = "new b", ["c.txt"] = "c" }));
            Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
            Assert.Equal("old a", File.ReadAllText(Path.Combine(dir, "a.txt")));
            Assert.Equal("old b", File.ReadAllText(Path.Combine(dir, "b.txt")));
            Assert.Equal(["a.txt", "b.txt", "c.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());

            Directory.Delete(Path.Combine(dir, "c.txt"));
            AtomicFiles.WriteAll(dir, new Dictionary<string, string> { ["a.txt"] = "new a", ["b.txt"] = "new b" });
            Assert.Equal("new b", File.ReadAllText(Path.Combine(dir, "b.txt")));
            Assert.Equal(["a.txt", "b.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A disk that fills up part-way through a file: the half-written temporary must not stay behind.</summary>
    sealed class FullDiskStream(string path) : FileStream(path, FileMode.CreateNew, FileAccess.Write)
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");
    }

    [Fact]
    public void A_full_disk_leaves_no_temporary_and_no_new_folder()
    {
        string parent = Path.Combine(Path.GetTempPath(), "hookbench-full-" + Guid.NewGuid().ToString("N"));
        string dir = Path.Combine(parent, "new", "out");
        Directory.CreateDirectory(parent);
        try
        {
            var error = Assert.Throws<UsageException>(() => AtomicFiles.WriteAll(
                dir, new Dictionary<string, string> { ["summary.json"] = "{}", ["charts/x.svg"] = "<svg/>" }, replace: true, path => new FullDiskStream(path)));
            Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
            Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(parent));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public void Output_folders_that_cannot_take_the_files_are_refused_before_any_work()
    {
        string file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<UsageException>(() => OutputPaths.CheckFolder(file, "--out", ["a.txt"]));
            Assert.Contains("is an existing file", error.Message);
        }
        finally
        {
            File.Delete(file);
        }

        if (OperatingSystem.IsLinux())
            Assert.Throws<UsageException>(() => OutputPaths.CheckFolder("/proc/hookbench/out", "--out", ["a.txt"]));
    }
}
