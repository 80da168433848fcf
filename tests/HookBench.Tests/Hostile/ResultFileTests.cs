using System.Diagnostics;
using System.Text.Json.Nodes;
using HookBench.Comparison;
using HookBench.Results;
using HookBench.Tests.Cli;
using Xunit;

namespace HookBench.Tests.Hostile;

/// <summary>
/// Issue 15, classes 2-4, 7, 8, 10 and 12: what result files may hold and be. Each corrupt file gets one
/// line and exit 2 from every verb that reads it (compare, machine, report); none crashes, hangs or passes a gate.
/// </summary>
public sealed class ResultFileTests : IDisposable
{
    readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    /// <summary>Every reading verb refuses <paramref name="file"/> with <paramref name="expected"/> in its one line.</summary>
    void EveryReaderRefuses(string file, string expected)
    {
        Scratch.Refused(expected, "compare", _s.Good, file);
        Scratch.Refused(expected, "compare", file, _s.Good, "--format", "json");
        Scratch.Refused(expected, "machine", file);
        Scratch.Refused(expected, "report", file, "--out", _s.Path("page"));
        Assert.False(Directory.Exists(_s.Path("page")));
    }

    static JsonObject Cell(JsonObject summary, int i = 0) => summary["cells"]![i]!.AsObject();

    [Fact]
    public void The_real_fixtures_load_and_compare_with_themselves_as_same()
    {
        var (exit, output, error) = CliHarness.Run("compare", _s.Good, _s.Good);
        Assert.True(exit == 0, error);
        Assert.Contains("0 slower, 0 faster, 6 same", output, StringComparison.Ordinal);
        var bdn = CliHarness.Run("compare", _s.Report, _s.Report);
        Assert.True(bdn.Exit == 0, bdn.Err);
        Assert.Contains("0 slower, 0 faster, 2 same", bdn.Out, StringComparison.Ordinal);
    }

    // Class 2: NaN and Infinity are not JSON numbers.
    [Theory]
    [InlineData("\"overhead_samples_ns\": [", "\"overhead_samples_ns\": [NaN, ")]
    [InlineData("\"median\": ", "\"median\": Infinity, \"x\": ")]
    [InlineData("\"median\": ", "\"median\": -Infinity, \"x\": ")]
    public void NaN_and_Infinity_literals_are_corrupt_json(string find, string replace)
    {
        string file = _s.SummaryText("named.json", t => ReplaceFirst(t, find, replace));
        EveryReaderRefuses(file, "corrupt JSON");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Named_numbers_as_strings_are_refused_where_a_number_goes(string literal)
    {
        string file = _s.Summary("named.json", s => Cell(s)["overhead_ns"]!["median"] = literal);
        EveryReaderRefuses(file, "at $.cells[0].overhead_ns");
    }

    [Fact]
    public void A_number_beyond_double_range_is_refused_not_read_as_infinity()
    {
        // The serializer parses 1e999 as +Infinity; validation is what refuses it.
        string file = _s.SummaryText("huge.json", t => ReplaceFirst(t, "\"median\": ", "\"median\": 1e999, \"x\": "));
        EveryReaderRefuses(file, "ns_per_call.median is not a finite number");
    }

    // Class 3: nulls and the wrong root.
    [Theory]
    [InlineData("cells")]
    [InlineData("environment")]
    [InlineData("run")]
    public void Null_top_level_fields_are_refused_by_name(string field)
    {
        string file = _s.Summary("null.json", s => s[field] = null);
        EveryReaderRefuses(file, $"'{field}' is null; it is required");
    }

    [Theory]
    [InlineData("overhead_samples_ns")]
    [InlineData("overhead_ns")]
    [InlineData("ns_per_call")]
    [InlineData("strategy")]
    public void Null_cell_fields_are_refused_by_name(string field)
    {
        string file = _s.Summary("null.json", s => Cell(s)[field] = null);
        EveryReaderRefuses(file, $"'{field}' is null; it is required");
    }

    [Fact]
    public void A_null_cell_and_a_null_mitigation_are_refused()
    {
        EveryReaderRefuses(_s.Summary("null-cell.json", s => s["cells"]!.AsArray()[1] = null), "cell 1 is null");
        EveryReaderRefuses(_s.Summary("null-mitigation.json", s => s["environment"]!["mitigations"]!["l1tf"] = null), "mitigations.l1tf is null");
    }

    [Theory]
    [InlineData("[1, 2]", "the JSON root is an array")]
    [InlineData("null", "the JSON root is null")]
    [InlineData("42", "the JSON root is a number")]
    [InlineData("\"schema\"", "the JSON root is a string")]
    public void A_root_that_is_not_an_object_is_refused(string json, string expected) =>
        EveryReaderRefuses(_s.Write("root.json", json), expected);

    // Class 4: well typed but meaningless.
    [Fact]
    public void Empty_samples_are_refused_so_the_gate_cannot_pass_on_no_data()
    {
        string file = _s.Summary("empty.json", s => Cell(s)["overhead_samples_ns"] = new JsonArray());
        EveryReaderRefuses(file, "0 overhead samples but reps - discarded_reps = ");
    }

    [Theory]
    [InlineData("reps", -3, "reps is -3; a measured cell has at least 1 repetition")]
    [InlineData("reps", 0, "reps is 0")]
    [InlineData("discarded_reps", -1, "discarded_reps is -1")]
    [InlineData("args", -1, "args is -1; an argument count is at least 0")]
    public void Negative_counts_are_refused(string field, int value, string expected)
    {
        string file = _s.Summary("negative.json", s => Cell(s)[field] = value);
        EveryReaderRefuses(file, expected);
    }

    [Fact]
    public void A_duplicate_cell_is_refused_instead_of_the_last_one_winning()
    {
        string file = _s.Summary("dup.json", s => s["cells"]!.AsArray().Add(Cell(s, 2).DeepClone()));
        EveryReaderRefuses(file, "appears twice");
    }

    [Fact]
    public void A_summary_without_cells_is_refused()
    {
        EveryReaderRefuses(_s.Summary("none.json", s => s["cells"] = new JsonArray()), "holds no cells");
    }

    [Fact]
    public void Foreign_cells_are_refused_by_report_and_compared_as_numbers_by_compare()
    {
        string foreign = _s.Summary("foreign/summary.json", s => Cell(s)["strategy"] = "kprobe");
        Scratch.Refused("cell kprobe/0/empty/throughput uses a strategy, axis value or combination this build does not know", "report", foreign, "--out", _s.Path("page"));

        var (exit, output, error) = CliHarness.Run("compare", foreign, foreign);
        Assert.True(exit == 0, error);
        Assert.Contains("1 cell(s) use a strategy, axis value or combination this build does not know (kprobe/0/empty/throughput)", output, StringComparison.Ordinal);
        Assert.Equal(0, CliHarness.Run("machine", foreign).Exit);

        // A combination this build refuses is foreign too (direct-call cannot run the args handler).
        string combination = _s.Summary("combo/summary.json", s => { Cell(s)["strategy"] = "direct-call"; Cell(s)["handler"] = "args"; });
        Scratch.Refused("cell direct-call/0/args/throughput uses", "report", combination, "--out", _s.Path("page"));
    }

    [Fact]
    public void Names_in_another_case_are_refused_as_not_canonical()
    {
        string file = _s.Summary("upper.json", s => Cell(s)["strategy"] = "NONE");
        EveryReaderRefuses(file, "is not in canonical form; this build writes it none/");
    }

    [Fact]
    public void A_benchmarkdotnet_report_with_empty_measurements_is_refused_not_judged_same()
    {
        string empty = _s.BdnReport("empty-report-full.json", r =>
        {
            foreach (var b in r["Benchmarks"]!.AsArray())
                b!["Statistics"]!["OriginalValues"] = new JsonArray();
        });
        Scratch.Refused("has no measurements", "compare", _s.Report, empty);
        string failed = _s.BdnReport("failed-report-full.json", r =>
        {
            foreach (var b in r["Benchmarks"]!.AsArray())
                b!["Statistics"] = null;
        });
        Scratch.Refused("has no measurements", "compare", failed, _s.Report);
        string none = _s.BdnReport("none-report-full.json", r => r["Benchmarks"] = new JsonArray());
        Scratch.Refused("holds no measured Hooked case", "compare", none, _s.Report);
    }

    // Class 12: a missing BenchmarkDotNet field is named.
    [Theory]
    [InlineData("Mode")]
    [InlineData("Args")]
    [InlineData("Strategy")]
    public void A_missing_benchmarkdotnet_parameter_is_named(string parameter)
    {
        string file = _s.BdnReport("x-report-full.json", r =>
        {
            foreach (var b in r["Benchmarks"]!.AsArray())
            {
                var kept = b!["Parameters"]!.GetValue<string>().Split('&').Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal));
                b["Parameters"] = string.Join("&", kept);
            }
        });
        Scratch.Refused($"\"Parameters\" lack '{parameter}'", "compare", _s.Report, file);
    }

    [Fact]
    public void A_missing_benchmarkdotnet_method_is_named()
    {
        string file = _s.BdnReport("x-report-full.json", r => r["Benchmarks"]![0]!.AsObject().Remove("Method"));
        Scratch.Refused("Benchmarks[0] has no \"Method\"", "compare", _s.Report, file);
    }

    // Class 7: hangs.
    [Fact]
    public void A_fifo_is_refused_without_blocking()
    {
        if (!OperatingSystem.IsLinux())
            return;
        string fifo = _s.Path("fifo.json");
        Assert.Equal(0, Process.Start("mkfifo", [fifo]).WaitForExitAndCode());
        EveryReaderRefuses(fifo, "is empty or not a regular file (a FIFO, socket or device)");
    }

    [Fact]
    public void A_symbolic_link_loop_inside_a_folder_is_not_followed()
    {
        string folder = _s.Path("loop");
        Directory.CreateDirectory(Path.Combine(folder, "a"));
        File.CreateSymbolicLink(Path.Combine(folder, "a", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(folder, "a", "self"), Path.Combine(folder, "a"));
        Scratch.Refused("holds no summary.json or BenchmarkDotNet *-report-full.json (searched 8 levels, links not followed)", "compare", _s.Good, folder);
    }

    [Fact]
    public void A_symbolic_link_loop_as_the_file_is_called_a_loop()
    {
        File.CreateSymbolicLink(_s.Path("l1"), _s.Path("l2"));
        File.CreateSymbolicLink(_s.Path("l2"), _s.Path("l1"));
        EveryReaderRefuses(_s.Path("l1"), "is a symbolic link loop");
    }

    // Class 8: memory.
    [Fact]
    public void A_one_gigabyte_file_is_refused_by_its_size_without_being_read()
    {
        string big = _s.Path("big.json");
        using (var f = new FileStream(big, FileMode.CreateNew))
            f.SetLength(1L << 30);     // sparse: no gigabyte is written, and none may be read
        EveryReaderRefuses(big, "is 1024 MiB; result files are at most 256 MiB");
    }

    [Fact]
    public void Dev_zero_directly_or_through_a_link_is_refused_as_not_a_regular_file()
    {
        if (!OperatingSystem.IsLinux())
            return;
        File.CreateSymbolicLink(_s.Path("zero.json"), "/dev/zero");
        EveryReaderRefuses("/dev/zero", "not a regular file");
        EveryReaderRefuses(_s.Path("zero.json"), "not a regular file");
    }

    [Fact]
    public void Zeros_are_refused_at_the_first_byte()
    {
        string zeros = _s.Write("zeros.json", new string('\0', 1 << 20));
        EveryReaderRefuses(zeros, "corrupt JSON ('0x00' is an invalid start of a value");
    }

    [Fact]
    public void A_file_that_grows_past_the_limit_while_read_is_stopped()
    {
        using var inner = new MemoryStream(new byte[4096]);
        using var bounded = new BoundedReadStream(inner, 1000, "growing.json");
        var error = Assert.Throws<UsageException>(() => bounded.ReadExactly(new byte[2048]));
        Assert.Contains("grew past", error.Message, StringComparison.Ordinal);
    }

    // Class 10 and 12: read errors, empty names.
    [Fact]
    public void Proc_self_mem_and_unreadable_files_are_one_line()
    {
        if (!OperatingSystem.IsLinux())
            return;
        EveryReaderRefuses("/proc/self/mem", "not a regular file");
        string writeOnly = Directory.EnumerateFiles("/sys/class/zram-control").FirstOrDefault() ?? string.Empty;
        if (writeOnly.Length > 0)
            Scratch.Refused("cannot read", "machine", writeOnly);
    }

    [Fact]
    public void An_empty_path_is_named_as_empty()
    {
        Scratch.Refused("an empty path was given; give a summary.json or a result folder holding one", "machine", "");
        Scratch.Refused("an empty path was given", "compare", "", _s.Good);
        Scratch.Refused("an empty path was given", "report", "", "--out", _s.Path("page"));
    }

    [Fact]
    public void The_loader_itself_returns_a_validated_run_or_a_usage_exception()
    {
        var run = RunLoader.Load(_s.Good);
        Assert.Equal(6, run.Cells.Count);
        Assert.All(run.Cells.Values, c => Assert.True(c.Samples.Count >= 5 && c.Samples.All(double.IsFinite)));
        Assert.Throws<UsageException>(() => RunLoader.Load(_s.Write("bad.json", "{")));
    }

    static string ReplaceFirst(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, find);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}

static class ProcessExtensions
{
    public static int WaitForExitAndCode(this Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }
}
