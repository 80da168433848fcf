using HookBench.Cli;

namespace HookBench.Tests.Cli;

/// <summary>Runs the CLI in-process and captures what it printed.</summary>
public static class CliHarness
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = HookBenchCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
