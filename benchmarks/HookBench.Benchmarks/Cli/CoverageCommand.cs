using System.CommandLine;
using HookBench.Comparison;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench coverage RUN...</c>: given N runs of the same code on one machine, every pairwise compare's exit
/// code and how often each run's published interval covers the overhead pooled over all runs. Exit 0 when no
/// pair would fail the gate, 1 otherwise. <c>scripts/coverage-study.sh N</c> makes the runs and calls it.
/// </summary>
public static class CoverageCommand
{
    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string[]>("RUN") { Description = "Run folders (or summary.json files) of the same code on one machine, at least 2", Arity = ArgumentArity.OneOrMore };
        var outFile = new Option<string>("--out") { Description = "Also write the markdown report to this file (atomically)" };
        var command = new Command("coverage", "Pairwise compares and interval coverage of N runs of the same code (the gate's false-alarm check).") { runs, outFile };
        command.SetAction(parse =>
        {
            string[] inputs = parse.GetValue(runs)!;
            string? file = parse.GetValue(outFile) is string f ? OutputPaths.CheckFile(f, "--out", inputs) : null;
            var loaded = inputs.Select(path => (path, SummaryLoader.Load(path, ForeignCellPolicy.Allow, "coverage"))).ToList();
            var study = CoverageStudy.Run(loaded, new Thresholds());
            string text = study.Render();
            if (file is not null)
                AtomicFiles.WriteAll(Path.GetDirectoryName(file)!, new Dictionary<string, string> { [Path.GetFileName(file)] = text }, replace: false);
            output.Write(text);
            return study.FailedPairs == 0 ? HookBenchCli.Ok : HookBenchCli.Failed;
        });
        return command;
    }
}
