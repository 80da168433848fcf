using HookBench.Cli;
using Xunit;

namespace HookBench.Tests.Cli;

public class CliTests
{
    static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Theory]
    [InlineData("unknown strategy 'ftrace'; valid: none, full-regs, min-regs, ipmodify-full, ipmodify-min, direct, direct-fexit, direct-fexit-jmp, direct-fmodret, direct-fmodret-jmp, direct-call, ops-list, uprobe-nop5, uprobe-trap, uprobe-sstep, uretprobe", "disasm", "--strategy", "ftrace", "--args", "2")]
    [InlineData("unknown handler 'bpf'; valid: empty, counter, args", "disasm", "--strategy", "direct", "--args", "2", "--handler", "bpf")]
    [InlineData("unknown ABI 'arm64'; valid: sysv, win64", "disasm", "--strategy", "direct", "--args", "2", "--abi", "arm64")]
    [InlineData("--args must be an integer in 0..6; got '7'", "disasm", "--strategy", "direct", "--args", "7")]
    [InlineData("--args must be an integer in 0..6; got '-1'", "disasm", "--strategy", "direct", "--args", "-1")]
    [InlineData("--args must be an integer in 0..6; got 'two'", "disasm", "--strategy", "direct", "--args", "two")]
    [InlineData("unknown alignment 'page'; valid: kernel, c-abi", "disasm", "--strategy", "direct", "--args", "2", "--align", "page")]
    [InlineData("strategy direct-call refuses handler args: it reads a context and may clobber the argument registers the target still needs; valid handlers for direct-call: empty, counter", "disasm", "--strategy", "direct-call", "--args", "2", "--handler", "args")]
    [InlineData("strategy direct-call has no trampoline to pad the stack; valid alignment for it: kernel", "disasm", "--strategy", "direct-call", "--args", "2", "--align", "c-abi")]
    [InlineData("unknown profile 'spectre'; valid: none, ibt, retpoline, retpoline-lfence, rethunk, srso, calldepth, all, host", "disasm", "--strategy", "direct", "--args", "2", "--profile", "spectre")]
    [InlineData("unknown profile 'ibrs'; valid: none, ibt, retpoline, retpoline-lfence, rethunk, srso, calldepth, all, host", "validate", "--profiles", "srso,ibrs")]
    [InlineData("strategy direct-call cannot use profile calldepth: the site calls the handler directly, and fentry calls get no call-depth accounting from anyone but a trampoline (ftrace_call_replace(): \"the trampoline does the depth accounting itself\"); valid profiles for direct-call: none, ibt, retpoline, retpoline-lfence, rethunk, srso, host", "disasm", "--strategy", "direct-call", "--args", "2", "--profile", "calldepth")]
    [InlineData("strategy direct-call cannot use profile all: the site calls the handler directly, and fentry calls get no call-depth accounting from anyone but a trampoline (ftrace_call_replace(): \"the trampoline does the depth accounting itself\"); valid profiles for direct-call: none, ibt, retpoline, retpoline-lfence, rethunk, srso, host", "validate", "--strategy", "direct-call", "--profiles", "all")]
    [InlineData("unknown strategy 'bogus'; valid: none, full-regs, min-regs, ipmodify-full, ipmodify-min, direct, direct-fexit, direct-fexit-jmp, direct-fmodret, direct-fmodret-jmp, direct-call, ops-list, uprobe-nop5, uprobe-trap, uprobe-sstep, uretprobe", "validate", "--strategy", "bogus")]
    public void Bad_input_gets_one_line_naming_the_valid_values_and_exit_2(string message, params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.Equal(2, exit);
        Assert.Equal($"hookbench: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("disasm", "--args", "2")]
    [InlineData("list", "--nope")]
    public void Parse_errors_are_one_line_with_exit_2(params string[] args)
    {
        var (exit, _, error) = Run(args);
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("hookbench: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void List_names_every_strategy_with_its_origin()
    {
        var (exit, output, _) = Run("list");
        Assert.Equal(0, exit);
        foreach (var name in new[] { "full-regs", "min-regs", "ipmodify-full", "ipmodify-min", "direct-fexit", "direct-fexit-jmp", "direct-fmodret", "direct-call", "Alexei" })
            Assert.Contains(name, output, StringComparison.Ordinal);
        foreach (var name in new[] { "retpoline-lfence", "rethunk", "srso", "calldepth", "host", "arch/x86/lib/retpoline.S", "bugs.c" })
            Assert.Contains(name, output, StringComparison.Ordinal);
        foreach (var name in new[] { "uprobe-nop5", "uprobe-trap", "uprobe-sstep", "uretprobe", "ba2bfc97b462", "ff474a78cef5", "kernel probes: " })
            Assert.Contains(name, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_one_strategy_passes_and_reports_the_case_count()
    {
        var (exit, output, _) = Run("validate", "--strategy", "min-regs", "--profiles", "none");
        Assert.Equal(0, exit);
        Assert.Contains("84 of 84 cases passed", output, StringComparison.Ordinal);
        Assert.Contains("49 of 49 footprint sets passed", output, StringComparison.Ordinal);
        Assert.Contains("1 profiles", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Disasm_shows_the_site_before_and_after_patching()
    {
        var (exit, output, _) = Run("disasm", "--strategy", "full-regs", "--args", "2");
        Assert.Equal(0, exit);
        Assert.Contains("site before patching:", output, StringComparison.Ordinal);
        Assert.Matches(@"site after patching:\n\s+\S+\s+E8\S+\s+call\s+full-regs-trampoline", output.ReplaceLineEndings("\n"));
        Assert.Contains("pushfq", output, StringComparison.Ordinal);
        Assert.Contains("popfq", output, StringComparison.Ordinal);
    }
}

public class RunCliTests
{
    static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Theory]
    [InlineData("unknown strategy 'fentry'; valid: none, full-regs, min-regs, ipmodify-full, ipmodify-min, direct, direct-fexit, direct-fexit-jmp, direct-fmodret, direct-fmodret-jmp, direct-call, ops-list, uprobe-nop5, uprobe-trap, uprobe-sstep, uretprobe", "--strategies", "direct,fentry")]
    [InlineData("unknown handler 'bpf'; valid: empty, counter, args", "--handlers", "bpf")]
    [InlineData("unknown mode 'cold'; valid: throughput, latency, serialized", "--mode", "cold")]
    [InlineData("--handlers is empty; give at least one value", "--handlers", ",")]
    [InlineData("--args range '5-2' is inverted; write it low-high, within 0..6", "--args", "5-2")]
    [InlineData("--args '0-9' is outside 0..6", "--args", "0-9")]
    [InlineData("--args 'x' is not a count or range; valid: numbers 0..6 as N, A-B or a comma list", "--args", "x")]
    [InlineData("--reps must be an integer in 5..10000; got '0'", "--reps", "0")]
    [InlineData("--measure-ms must be a number in 0.1..1000; got '0'", "--measure-ms", "0")]
    [InlineData("--cpu must be an integer in 0..63; got '-1'", "--cpu", "-1")]
    [InlineData("--ops must be an integer in 1..64; got '0'", "--ops", "0,8")]
    [InlineData("--match must be a fraction in 0..1 written as a decimal (1, 0.5, 0.125); got '1/8'", "--match", "1/8")]
    [InlineData("--progs must be an integer in 1..38; got '39'", "--progs", "39")]
    [InlineData("unknown bpf profile 'bpf-6.19'; valid: bpf-2019, bpf-6.17, bpf-6.18, bpf-6.18+stats", "--bpf", "bpf-6.19")]
    [InlineData("unknown lookup 'rcu'; valid: const, hash, padding", "--lookup", "rcu")]
    [InlineData("unknown profile 'x'; valid: none, ibt, retpoline, retpoline-lfence, rethunk, srso, calldepth, all, host", "--profiles", "srso,x")]
    [InlineData("--profiles is empty; give at least one value", "--profiles", ",")]
    [InlineData("the selection leaves no cell to measure: direct-call args=2 empty throughput profile=calldepth: strategy direct-call cannot use profile calldepth: the site calls the handler directly, and fentry calls get no call-depth accounting from anyone but a trampoline (ftrace_call_replace(): \"the trampoline does the depth accounting itself\"); valid profiles for direct-call: none, ibt, retpoline, retpoline-lfence, rethunk, srso, host", "--strategies", "direct-call", "--args", "2", "--profiles", "calldepth")]
    [InlineData("--placements 'some' is not valid; valid: per-round, fixed", "--placements", "some")]
    [InlineData("the selection leaves no cell to measure: direct-call args=2 args throughput: strategy direct-call refuses handler args: it reads a context and may clobber the argument registers the target still needs; valid handlers for direct-call: empty, counter", "--strategies", "direct-call", "--args", "2", "--handlers", "args")]
    [InlineData("--functions: 3000000 functions need 2.3 GiB of code and data in one arena, beyond the 2 GiB that rel32 calls reach across; valid: 1..2581031", "--functions", "16,3000000")]
    [InlineData("--functions must be an integer in 1..2581031; got '0'", "--functions", "0")]
    [InlineData("--functions must be an integer in 1..2581031; got 'lots'", "--functions", "lots")]
    [InlineData("unknown caller 'sideways'; valid: unrolled, rolled, busy", "--caller", "sideways")]
    [InlineData("caller 'serialized' is the measurement mode of that name: use --mode serialized (it applies to every caller); valid callers: unrolled, rolled, busy", "--caller", "rolled,serialized")]
    [InlineData("the selection leaves no cell to measure: ipmodify-min args=2 empty throughput functions=16: strategy ipmodify-min redirects each call to its own livepatch replacement, which a footprint set does not emit; valid with functions > 1: none, full-regs, min-regs, direct, direct-fexit, direct-fexit-jmp, direct-fmodret, direct-fmodret-jmp, direct-call", "--strategies", "ipmodify-min", "--args", "2", "--functions", "16")]
    public void Bad_selections_get_one_line_and_exit_2_with_nothing_written(string message, params string[] args)
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-cli-" + Guid.NewGuid().ToString("N"));
        var (exit, output, error) = Run(["run", .. args, "--out", dir]);
        Assert.Equal(2, exit);
        Assert.Equal($"hookbench: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, output);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_run_over_functions_and_callers_keys_each_cell_with_its_axes()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, error) = Run("run", "--strategies", "direct", "--args", "2", "--functions", "1,16", "--caller", "unrolled,rolled",
                "--reps", "5", "--measure-ms", "0.2", "--out", dir);
            Assert.True(exit == 0, error);
            Assert.Contains("skipped direct args=2 empty throughput functions=16 caller=rolled: caller rolled calls one function", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
            var summary = HookBench.Results.SummaryJson.Deserialize(File.ReadAllText(Path.Combine(dir, "summary.json")), "run");
            Assert.Equal(["direct/2/empty/throughput", "direct/2/empty/throughput/caller=rolled", "direct/2/empty/throughput/functions=16"], summary.Cells.Select(c => c.Key));
            var footprint = summary.Cells.Single(c => c.Functions == 16).Footprint!;
            Assert.Equal(16, footprint.CallsPerPass);
            Assert.Equal(16 * 11, footprint.HookInstructionsPerPass);
            Assert.Equal(7.0, summary.Cells.Single(c => c.Caller == "rolled").CallerInstructionsPerCall);
            Assert.Null(summary.Cells[0].Footprint);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_existing_file_as_out_is_refused_and_left_alone()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "keep me");
        try
        {
            var (exit, _, error) = Run("run", "--strategies", "direct", "--args", "2", "--out", file);
            Assert.Equal(2, exit);
            Assert.Contains("is an existing file", error);
            Assert.Equal("keep me", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_unwritable_out_is_refused()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var (exit, _, error) = Run("run", "--strategies", "direct", "--args", "2", "--out", "/proc/hookbench-results");
        Assert.Equal(2, exit);
        Assert.Contains("not writable", error);
    }

    [Fact]
    public void A_small_run_writes_the_three_summary_files()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, error) = Run("run", "--strategies", "none,direct", "--args", "1", "--reps", "6", "--measure-ms", "0.3", "--out", dir);
            Assert.True(exit == 0, error);
            Assert.Equal(["summary.csv", "summary.json", "summary.md"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
            var summary = HookBench.Results.SummaryJson.Deserialize(File.ReadAllText(Path.Combine(dir, "summary.json")), "run");
            Assert.Equal(["none", "direct"], summary.Cells.Select(c => c.Strategy));
            Assert.All(summary.Cells, c => Assert.Equal(6, c.Reps));
            Assert.Contains("overhead ns", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Attachment_options_reach_the_strategies_that_take_them_and_the_summary()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, _, error) = Run(
                "run", "--strategies", "min-regs,ops-list,direct", "--args", "2", "--ops", "1,4", "--match", "0.25",
                "--progs", "2", "--bpf", "bpf-6.18", "--lookup", "padding", "--reps", "5", "--measure-ms", "0.2", "--out", dir);
            Assert.True(exit == 0, error);
            var summary = HookBench.Results.SummaryJson.Deserialize(File.ReadAllText(Path.Combine(dir, "summary.json")), "run");
            // match=0.25 of one op is not whole, so ops=1 is skipped for ops-list; min-regs ignores every axis.
            Assert.Equal(
                ["min-regs/2/empty/throughput", "ops-list/2/empty/throughput/ops=4/match=0.25", "direct/2/empty/throughput/progs=2/bpf=bpf-6.18/lookup=padding"],
                summary.Cells.Select(c => c.Key));
            Assert.All(summary.Cells, c => Assert.NotNull(c.InstructionsPerCall));
            Assert.Equal(4, summary.Cells[1].Ops);
            Assert.Equal("padding", summary.Cells[2].Lookup);
            Assert.Null(summary.Cells[0].Ops);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_run_with_profiles_records_each_cells_profile_and_the_host_reading()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, _, error) = Run("run", "--strategies", "direct-fexit-jmp", "--args", "2", "--profiles", "none,srso,calldepth", "--reps", "5", "--measure-ms", "0.2", "--out", dir);
            Assert.True(exit == 0, error);
            var summary = HookBench.Results.SummaryJson.Deserialize(File.ReadAllText(Path.Combine(dir, "summary.json")), "run");
            Assert.Equal(["none", "srso", "calldepth"], summary.Cells.Select(c => c.Profile));
            Assert.Equal(["direct-fexit-jmp/2/empty/throughput", "direct-fexit-jmp/2/empty/throughput/profile=srso", "direct-fexit-jmp/2/empty/throughput/profile=calldepth"],
                summary.Cells.Select(c => c.Key));
            Assert.True(summary.Cells[1].InstructionsPerCall > summary.Cells[0].InstructionsPerCall);
            Assert.NotNull(summary.Environment.HostProfile);
            Assert.Contains("\"profile\": \"srso\"", File.ReadAllText(Path.Combine(dir, "summary.json")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
