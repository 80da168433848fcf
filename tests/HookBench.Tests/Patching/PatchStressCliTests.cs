using HookBench.Cli;
using HookBench.Tests.Cli;
using Xunit;

namespace HookBench.Tests.Patching;

/// <summary>The patch-stress verb: bad input, the summary line, and the runs that only happen in child processes.</summary>
[Collection(SigtrapCollection.Name)]
public class PatchStressCliTests
{
    [SkippableTheory]
    [InlineData("unknown patcher 'poke'; valid: int3, batch, atomic, unsafe", "--patcher", "poke")]
    [InlineData("--threads must be an integer in 1..64; got '0'", "--threads", "0")]
    [InlineData("unknown reclaim policy 'later'; valid: grace, early", "--reclaim", "later")]
    [InlineData("strategy direct-call cannot be stress-tested (it has no trampoline to free and reuse, or its handler redirects the call); valid: full-regs, min-regs, direct, direct-fexit, direct-fexit-jmp, direct-fmodret, direct-fmodret-jmp, ops-list", "--strategy", "direct-call")]
    public void Bad_input_is_one_line_naming_the_valid_choices_and_exit_2(string message, params string[] args)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "patch-stress is Linux-only");
        var (exit, output, error) = CliHarness.Run(["patch-stress", .. args]);
        Assert.Equal(2, exit);
        Assert.Equal($"hookbench: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, output);
    }

    [SkippableFact]
    public void The_atomic_patcher_on_a_site_crossing_8_bytes_is_refused_in_one_line()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "patch-stress is Linux-only");
        var (exit, output, error) = CliHarness.Run("patch-stress", "--patcher", "atomic", "--site-offset", "5");
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("hookbench: patcher atomic writes one aligned 8-byte word", error, StringComparison.Ordinal);
        Assert.Contains("spans bytes 5..9 of its word", error, StringComparison.Ordinal);
        Assert.EndsWith("valid patchers for this site: int3, batch, unsafe\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [SkippableFact]
    public void A_small_run_prints_a_line_per_caller_and_a_summary_saying_it_is_exact()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "patch-stress is Linux-only");
        var (exit, output, error) = CliHarness.Run("patch-stress", "--threads", "2", "--toggles", "100", "--calls", "50000", "--patcher", "batch");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Take(2), l => Assert.EndsWith(": exact", l.TrimEnd(), StringComparison.Ordinal));
        Assert.StartsWith("patch-stress: batch, min-regs + counter, reclaim grace, 2 caller threads, 100 toggles", lines[2], StringComparison.Ordinal);
        Assert.Contains("0 crashes; accounting exact", lines[2], StringComparison.Ordinal);
    }

    /// <summary>
    /// The negative control: byte-by-byte patching with no int3 and no sync, in child processes. The
    /// parent must survive whatever they do and count how they ended. How often a child fails is a
    /// measurement (README, `patch-stress --patcher unsafe --tries 10`), not an assertion: a torn write
    /// is a race that a loaded or lucky run can miss, so a test demanding a crash would be flaky.
    /// </summary>
    [SkippableFact]
    public void The_unsafe_patcher_runs_in_child_processes_and_the_parent_reports_how_they_ended()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "patch-stress is Linux-only");
        var (exit, output, _) = CliHarness.Run("patch-stress", "--patcher", "unsafe", "--tries", "3", "--threads", "2", "--toggles", "2000", "--calls", "100000");
        Assert.Equal(0, exit);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.All(lines.Take(3), l => Assert.Matches(@"^try \d: (crashed \(SIG[A-Z]+\)|finished with (exact|wrong) accounting|hung)", l));
        var summary = System.Text.RegularExpressions.Regex.Match(lines[3],
            @"3 tries, (\d+) crashed.*?, (\d+) computed wrong results or counts, (\d+) hung, (\d+) showed no failure$");
        Assert.True(summary.Success, lines[3]);
        int[] counts = [.. Enumerable.Range(1, 4).Select(i => int.Parse(summary.Groups[i].Value))];
        Assert.Equal(3, counts.Sum());
        Assert.Equal(lines.Take(3).Count(l => l.Contains("crashed", StringComparison.Ordinal)), counts[0]);
    }

    /// <summary>
    /// A stray int3 with the emulator installed must reach the .NET runtime's own SIGTRAP handler, which
    /// ends the process exactly as it does without the emulator: not SIGTRAP's default action (the
    /// emulator reproducing a SIG_DFL it did not find) and not a return (the emulator swallowing it).
    /// </summary>
    [SkippableFact]
    public void A_stray_int3_reaches_the_runtime_handler_with_the_emulator_installed()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGTRAP emulation is Linux-only");
        var without = SelfProcess.Run(["trap-probe"], TimeSpan.FromSeconds(60));
        var with = SelfProcess.Run(["trap-probe", "--emulator"], TimeSpan.FromSeconds(60));
        Assert.Equal(ChildEnd.Signalled, without.End);
        Assert.Equal(without.End, with.End);
        Assert.Equal(without.Code, with.Code);
        Assert.NotEqual(5, with.Code);                                   // not SIGTRAP's default action
        Assert.DoesNotContain("returned", with.Output, StringComparison.Ordinal);
        Assert.Contains("SIGTRAP handler: handler 0x", with.Output, StringComparison.Ordinal);
    }
}
