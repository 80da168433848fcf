using System.CommandLine;
using HookBench.Reporting;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary><c>hookbench report DIR...</c>: a published results page with SVG charts from one or more result folders.</summary>
public static class ReportCommand
{
    public static Command Create(TextWriter output)
    {
        var folders = new Argument<string[]>("FOLDER") { Description = "Result folders (each with a summary.json), one per machine", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Folder for README.md and <machine>/charts/*.svg (default: results/report/)" };
        var command = new Command("report", "Render the published tables and SVG charts from result folders; several machines are merged.") { folders, outDir };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(outDir) ?? Path.Combine(ResultsFolders.RepositoryRoot(), "results", "report");
            AtomicFiles.EnsureWritableDirectory(directory, "--out");
            var machines = PublishedMachine.Load(parse.GetValue(folders)!);
            Write(directory, machines);
            output.WriteLine($"wrote {Path.Combine(directory, "README.md")} and charts for {string.Join(", ", machines.Select(m => m.Slug))}");
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>Writes README.md and every machine's charts under <paramref name="directory"/>, each file atomically.</summary>
    public static void Write(string directory, IReadOnlyList<PublishedMachine> machines)
    {
        foreach (var machine in machines)
        {
            foreach (var group in ReportBuilder.ChartFiles(machine).GroupBy(f => Path.GetDirectoryName(f.Key)!))
                AtomicFiles.WriteAll(Path.Combine(directory, group.Key), group.ToDictionary(f => Path.GetFileName(f.Key), f => f.Value));
        }

        AtomicFiles.WriteAll(directory, new Dictionary<string, string> { ["README.md"] = ReportBuilder.Render(machines) });
    }
}
