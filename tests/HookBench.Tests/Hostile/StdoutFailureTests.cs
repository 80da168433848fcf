using System.Diagnostics;
using System.Text;
using HookBench.Cli;
using Xunit;

namespace HookBench.Tests.Hostile;

/// <summary>Issue 15, class 13: standard output that cannot be written is one line on stderr and a non-zero exit, not a trace.</summary>
public sealed class StdoutFailureTests : IDisposable
{
    readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    /// <summary>A writer that fails as write(2) to /dev/full does.</summary>
    sealed class FullDevice : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => throw new IOException("No space left on device");

        public override void Write(string? value) => throw new IOException("No space left on device");
    }

    [Theory]
    [InlineData("list")]
    [InlineData("disasm", "--strategy", "direct", "--args", "2")]
    [InlineData("compare", "GOOD", "GOOD")]
    [InlineData("machine", "GOOD")]
    [InlineData("--help")]
    public void A_full_stdout_is_one_line_on_stderr_and_exit_2(params string[] args)
    {
        var error = new StringWriter();
        int exit = HookBenchCli.Run([.. args.Select(a => a == "GOOD" ? _s.Good : a)], new GuardedWriter(new FullDevice()), error);
        Assert.Equal(2, exit);
        Assert.Equal("hookbench: cannot write to standard output (No space left on device)\n", error.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("list > /dev/full", "No space left on device")]
    [InlineData("list >&-", "Bad file descriptor")]
    [InlineData("runn > /dev/full", "unknown verb 'runn'")]
    public void The_real_process_with_a_broken_stdout_exits_non_zero_with_one_line(string redirect, string expected)
    {
        if (!OperatingSystem.IsLinux())
            return;
        string hookbench = Path.Combine(AppContext.BaseDirectory, "hookbench.dll");
        string command = $"dotnet '{hookbench}' {redirect}";
        var start = new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "hung");
        Assert.NotEqual(0, process.ExitCode);
        Scratch.AssertOneLine(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
