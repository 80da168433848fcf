using System.CommandLine;
using HookBench.Machine;
using HookBench.Reporting;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench machine [SUMMARY]</c>: prints the machine slug a result belongs to (its folder name under
/// results/), or this machine's slug when no result is given. CI looks up its baseline by this name.
/// </summary>
public static class MachineCommand
{
    public static Command Create(TextWriter output)
    {
        var file = new Argument<string?>("SUMMARY") { Description = "A summary.json or a folder holding one (default: this machine)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("machine", "Print the machine slug of a result, or of this machine (its folder name under results/).") { file };
        command.SetAction(parse =>
        {
            string? path = parse.GetValue(file);
            if (path is null)
            {
                var machine = MachineInfo.Collect();
                output.WriteLine(MachineSlug.For(machine.Cpu, machine.Identity(), machine.Hypervisor, Environment.ProcessorCount));
                return HookBenchCli.Ok;
            }

            // Only the environment is used, so cells from another build's strategies are fine here.
            var summary = SummaryLoader.Load(path, ForeignCellPolicy.Allow, "machine");
            output.WriteLine(PublishedMachine.SlugFor(summary.Environment));
            return HookBenchCli.Ok;
        });
        return command;
    }
}
