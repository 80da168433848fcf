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
            string path = parse.GetValue(file)!;
            string json = Directory.Exists(path) ? Path.Combine(path, "summary.json") : path;
            if (!File.Exists(json))
                throw new UsageException($"{path} holds no summary.json");
            output.WriteLine(PublishedMachine.SlugFor(SummaryJson.Deserialize(File.ReadAllText(json), json).Environment));
            return HookBenchCli.Ok;
        });
        return command;
    }
}
