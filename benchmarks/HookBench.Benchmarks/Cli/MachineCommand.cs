using System.CommandLine;
using HookBench.Reporting;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary><c>hookbench machine SUMMARY</c>: prints the machine slug a result belongs to (the folder name under results/).</summary>
public static class MachineCommand
{
    public static Command Create(TextWriter output)
    {
        var file = new Argument<string>("SUMMARY") { Description = "A summary.json or a folder holding one" };
        var command = new Command("machine", "Print the machine slug of a result (its folder name under results/).") { file };
        command.SetAction(parse =>
        {
            // Only the environment is used, so cells from another build's strategies are fine here.
            var summary = SummaryLoader.Load(parse.GetValue(file)!, ForeignCellPolicy.Allow, "machine");
            output.WriteLine(PublishedMachine.SlugFor(summary.Environment));
            return HookBenchCli.Ok;
        });
        return command;
    }
}
