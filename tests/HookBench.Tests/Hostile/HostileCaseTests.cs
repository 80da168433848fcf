using HookBench.Cli;
using HookBench.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace HookBench.Tests.Hostile;

/// <summary>
/// The hostile inputs tried beyond the reproductions (<see cref="HostileCases"/>), each through the
/// real front door (the verb dispatcher, then the CLI): refused ones must exit 2 with one line naming the
/// problem and write nothing; accepted ones must succeed. None may reach BenchmarkDotNet or show a trace.
/// </summary>
public sealed class HostileCaseTests(ITestOutputHelper log)
{
    public static IEnumerable<object[]> Names => HostileCases.ByName.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Hostile_input_is_refused_in_one_line_or_accepted_as_valid(string name)
    {
        if (!OperatingSystem.IsLinux())
            return;     // the catalogue uses /proc, /dev, /etc and FIFOs
        var c = HostileCases.ByName[name];
        using var s = new Scratch();
        string[] args = c.Args(s);
        var before = s.Entries();

        var (exit, output, error) = RunFrontDoor(args);
        log.WriteLine($"exit {exit}: {error.TrimEnd()}");
        if (c.Refused)
        {
            Assert.True(exit == 2, $"exit {exit}; stderr: {error}; stdout: {output[..Math.Min(300, output.Length)]}");
            Scratch.AssertOneLine(error);
            Assert.Contains(c.Expect, error, StringComparison.Ordinal);
            Assert.Equal(string.Empty, output);
            Assert.Equal(before, s.Entries());
        }
        else
        {
            Assert.True(exit == c.Exit, $"exit {exit}; stderr: {error}");
            Assert.Contains(c.Expect, output, StringComparison.Ordinal);
        }
    }

    /// <summary>What Program.cs does, without ever starting BenchmarkDotNet.</summary>
    static (int Exit, string Out, string Err) RunFrontDoor(string[] args)
    {
        var route = VerbDispatcher.Route(args);
        Assert.NotEqual(Dispatch.Target.BenchmarkDotNet, route.To);
        if (route.To == Dispatch.Target.Verbs)
            return CliHarness.Run(route.Args);
        var error = new StringWriter();
        return (HookBenchCli.Refuse(route.Refusal!, error), string.Empty, error.ToString());
    }

    [Fact]
    public void The_catalogue_holds_over_a_hundred_cases_in_every_class()
    {
        var classes = HostileCases.ByName.Values.GroupBy(c => c.Class).ToList();
        foreach (var group in classes)
            log.WriteLine($"| {group.Key} | {group.Count()} | {group.Count(c => c.Refused)} refused (exit 2, one line) | {group.Count(c => !c.Refused)} accepted |");
        Assert.True(HostileCases.ByName.Count >= 100, $"{HostileCases.ByName.Count} cases");
        Assert.Equal(7, classes.Count);
    }
}
