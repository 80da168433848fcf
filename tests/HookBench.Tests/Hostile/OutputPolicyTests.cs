using HookBench.Results;
using HookBench.Tests.Cli;
using Xunit;

namespace HookBench.Tests.Hostile;

/// <summary>
/// Issue 15, classes 5, 6, 9, 11 and part of 12: one --out policy, checked before any measuring, and writes
/// that are all or nothing. A refused run must not have measured (its stdout stays empty) nor written anything.
/// </summary>
public sealed class OutputPolicyTests : IDisposable
{
    readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    static readonly string[] TinyRun = ["run", "--strategies", "none", "--args", "0", "--reps", "5"];

    [Fact]
    public void A_folder_named_like_an_output_file_stops_run_before_it_measures()
    {
        string out_ = _s.Path("out");
        Directory.CreateDirectory(Path.Combine(out_, "summary.md"));
        Scratch.Refused("is a folder where the file summary.md goes", [.. TinyRun, "--out", out_]);
        Assert.Equal([Path.Combine(out_, "summary.md")], Directory.GetFileSystemEntries(out_));
    }

    [Fact]
    public void Report_writes_the_page_and_charts_together_or_not_at_all()
    {
        string page = _s.Path("page");
        Directory.CreateDirectory(Path.Combine(page, "README.md"));
        Scratch.Refused("is a folder where the file README.md goes", "report", Path.GetDirectoryName(_s.Good)!, "--out", page);
        Assert.Equal([Path.Combine(page, "README.md")], Directory.GetFileSystemEntries(page));

        Directory.Delete(Path.Combine(page, "README.md"));
        var (exit, _, error) = CliHarness.Run("report", Path.GetDirectoryName(_s.Good)!, "--out", page);
        Assert.True(exit == 0, error);
        Assert.True(File.Exists(Path.Combine(page, "README.md")));
        Assert.Equal(2, Directory.GetFiles(page, "*.svg", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(page, ".*", SearchOption.AllDirectories));     // no temporaries or backups
    }

    [Fact]
    public void Compare_never_overwrites_its_own_input_or_any_existing_file()
    {
        string baseline = _s.Write("c.json", RealResults.SummaryText());
        string before = File.ReadAllText(baseline);
        Scratch.Refused("--out " + baseline + " is an input of this command", "compare", baseline, _s.Good, "--out", baseline);
        Assert.Equal(before, File.ReadAllText(baseline));

        string existing = _s.Write("report.md", "keep");
        Scratch.Refused("already exists; give a new file name", "compare", baseline, _s.Good, "--out", existing);
        Assert.Equal("keep", File.ReadAllText(existing));

        File.CreateSymbolicLink(_s.Path("alias.json"), baseline);
        Scratch.Refused("is an input of this command", "compare", _s.Path("alias.json"), _s.Good, "--out", baseline);
        Assert.Equal(before, File.ReadAllText(baseline));

        var (exit, output, error) = CliHarness.Run("compare", baseline, _s.Good, "--out", _s.Path("new.md"));
        Assert.True(exit == 0, error);
        Assert.Equal(output, File.ReadAllText(_s.Path("new.md")));
    }

    [Theory]
    [InlineData("--out is empty; give a folder", "run", "--strategies", "none", "--args", "0", "--reps", "5", "--out", "")]
    [InlineData("--out is empty; give a folder", "report", "GOOD", "--out", "")]
    [InlineData("--out is empty; give a new file name", "compare", "GOOD", "GOOD", "--out", "")]
    [InlineData("--results is empty; give a folder", "publish", "--skip-bdn", "--results", "")]
    [InlineData("--out is empty; give a folder", "crosscheck", "--out", " ")]
    public void An_empty_output_path_is_one_line(string expected, params string[] args)
    {
        Scratch.Refused(expected, [.. args.Select(a => a == "GOOD" ? _s.Good : a)]);
    }

    [Fact]
    public void A_name_longer_than_name_max_is_refused_before_measuring()
    {
        string out_ = _s.Path(new string('r', 300));
        Scratch.Refused("is 300 bytes; a file or folder name holds at most 255", [.. TinyRun, "--out", out_]);
        Scratch.Refused("is 303 bytes", "compare", _s.Good, _s.Good, "--out", _s.Path(new string('c', 300) + ".md"));
    }

    [Fact]
    public void A_path_through_a_file_or_a_link_loop_says_which()
    {
        string file = _s.Write("plain.txt", "x");
        Scratch.Refused($"{file} is a file, not a folder", [.. TinyRun, "--out", Path.Combine(file, "out")]);
        Scratch.Refused("is an existing file; give a folder", [.. TinyRun, "--out", file]);

        File.CreateSymbolicLink(_s.Path("loop-a"), _s.Path("loop-b"));
        File.CreateSymbolicLink(_s.Path("loop-b"), _s.Path("loop-a"));
        Scratch.Refused("is a symbolic link loop", [.. TinyRun, "--out", _s.Path("loop-a")]);
        Scratch.Refused($"{_s.Path("loop-a")} is a symbolic link loop", [.. TinyRun, "--out", Path.Combine(_s.Path("loop-a"), "out")]);
        File.CreateSymbolicLink(_s.Path("dangling"), _s.Path("nowhere"));
        Scratch.Refused("is a symbolic link to a folder that does not exist", [.. TinyRun, "--out", _s.Path("dangling")]);
    }

    [Fact]
    public void An_unwritable_folder_is_refused_before_measuring()
    {
        if (!OperatingSystem.IsLinux())
            return;
        Scratch.Refused("is not writable", [.. TinyRun, "--out", "/proc/hookbench-out"]);
        Scratch.Refused("is not writable", "compare", _s.Good, _s.Good, "--out", "/proc/hookbench.md");
    }

    [Fact]
    public void The_policy_refuses_an_output_that_is_an_input()
    {
        string folder = Path.GetDirectoryName(_s.Good)!;
        var error = Assert.Throws<UsageException>(() => OutputPaths.CheckFolder(folder, "--out", ["summary.json"], [_s.Good]));
        Assert.Contains("would overwrite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_files_come_from_one_writer_that_refuses_what_it_could_not_read_back()
    {
        var summary = SummaryJson.Deserialize(RealResults.SummaryText(), "fixture");
        string out_ = _s.Path("written");
        SummaryFiles.Write(out_, summary);
        Assert.Equal(["summary.csv", "summary.json", "summary.md"], Directory.GetFiles(out_).Select(Path.GetFileName).Order());
        Assert.Equal(SummaryJson.Serialize(summary), File.ReadAllText(Path.Combine(out_, "summary.json")));

        var broken = summary with { Cells = [summary.Cells[0] with { Ratio = double.NaN }] };
        Assert.Throws<InvalidOperationException>(() => SummaryFiles.Write(_s.Path("never"), broken));
        Assert.False(Directory.Exists(_s.Path("never")));
    }
}
