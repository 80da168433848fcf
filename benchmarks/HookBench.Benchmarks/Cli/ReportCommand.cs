using System.CommandLine;
using HookBench.Reporting;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary><c>hookbench report DIR...</c>: a published results page with SVG charts from one or more result folders.</summary>
public static class ReportCommand
{
    public const string Page = "README.md";

    public static Command Create(TextWriter output)
    {
        var folders = new Argument<string[]>("FOLDER") { Description = "Result folders (each with a summary.json), one per machine", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Folder for README.md and <machine>/charts/*.svg (default: results/report/)" };
        var command = new Command("report", "Render the published tables and SVG charts from result folders; several machines are merged.") { folders, outDir };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(outDir) ?? Path.Combine(ResultsFolders.RepositoryRoot(), "results", "report");
            OutputPaths.CheckFolder(directory, "--out", [Page]);
            string[] inputs = parse.GetValue(folders)!;
            var machines = PublishedMachine.Load(inputs);
            var files = Files(machines);
            OutputPaths.CheckFolder(directory, "--out", files.Keys, inputs.Select(SummaryLoader.Locate));
            AtomicFiles.WriteAll(directory, files);
            output.WriteLine($"wrote {Path.Combine(directory, Page)} and charts for {string.Join(", ", machines.Select(m => m.Slug))}");
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>README.md and every machine's charts, by path relative to the page's folder.</summary>
    public static IReadOnlyDictionary<string, string> Files(IReadOnlyList<PublishedMachine> machines)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var machine in machines)
        {
            foreach (var (path, svg) in ReportBuilder.ChartFiles(machine))
                files[path] = svg;
        }

        files[Page] = ReportBuilder.Render(machines);
        return files;
    }
}
