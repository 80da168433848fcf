using System.CommandLine;
using BenchmarkDotNet.Running;
using HookBench.Abi;
using HookBench.Cli.Bdn;
using HookBench.Disassembly;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Reporting;
using HookBench.Results;
using HookBench.Strategies;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench publish</c>: the quick matrix with the footprint and caller sweeps (<see cref="RunPlan.Published"/>) and the BenchmarkDotNet publish config on this machine, written to
/// results/&lt;machine&gt;/ with charts and the disassembly that produced them; then results/README.md is regenerated
/// from every machine folder.
/// </summary>
public static class PublishCommand
{
    /// <summary>Listings are relocated to this base so that a re-run changes a listing only when the code changed.</summary>
    public const ulong ListingBase = 0x1000_0000;

    public static Command Create(TextWriter output)
    {
        var resultsDir = new Option<string>("--results") { Description = "The results folder to publish into (default: the repository's results/)" };
        var skipBdn = new Option<bool>("--skip-bdn") { Description = "Publish the native quick matrix only (minutes faster)" };
        var command = new Command("publish", "Measure this machine and publish results/<machine>/ and results/README.md.") { resultsDir, skipBdn };
        command.SetAction(parse =>
        {
            string results = parse.GetValue(resultsDir) ?? Path.Combine(ResultsFolders.RepositoryRoot(), "results");
            AtomicFiles.EnsureWritableDirectory(results, "--results");
            var console = Consoles.For(output);

            RunSummary summary = null!;
            console.Status().Start("quick matrix", ctx =>
            {
                using var monitor = new EventPipeInterferenceMonitor();
                string last = string.Empty;
                summary = RunEngine.Execute(RunPlan.Published(), new MeasurementSettings(), monitor, p =>
                {
                    if (p.Stage != last)
                        ctx.Status(Markup.Escape($"quick matrix: {last = p.Stage}"));
                }, "hookbench publish");
            });
            string slug = PublishedMachine.SlugFor(summary.Environment);
            string machineDir = Path.Combine(results, slug);
            AtomicFiles.WriteAll(machineDir, new Dictionary<string, string>
            {
                ["summary.json"] = SummaryJson.Serialize(summary),
                ["summary.md"] = SummaryMarkdown.Render(summary),
                ["summary.csv"] = SummaryCsv.Render(summary),
            });
            AtomicFiles.WriteAll(Path.Combine(machineDir, "disasm"), Listings());
            ResultsTable.Write(console, summary);

            if (!parse.GetValue(skipBdn))
            {
                console.MarkupLine("BenchmarkDotNet publish config, standard matrix (its log follows)");
                string bdnDir = Path.Combine(machineDir, "bdn");
                var config = BdnConfigs.Create(BdnProfile.Publish, BdnMatrix.Standard, bdnDir, summary.Environment.CoreHzEstimate);
                BenchmarkRunner.Run<HookBenchmarks>(config);
                foreach (string log in Directory.EnumerateFiles(bdnDir, "*.log"))
                    File.Delete(log);
            }

            var machines = PublishedMachine.Load(Directory.EnumerateDirectories(results)
                .Where(d => File.Exists(Path.Combine(d, "summary.json")))
                .Order(StringComparer.Ordinal));
            ReportCommand.Write(results, machines);
            console.MarkupLineInterpolated($"published {machineDir} and regenerated {Path.Combine(results, "README.md")}");
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>The measured code of every strategy at 2 arguments (empty handler, host convention).</summary>
    static Dictionary<string, string> Listings()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var strategy in StrategyCatalog.All)
        {
            using var set = HookSetBuilder.Build(new HookSetOptions(strategy, HandlerKind.Empty, 2, CallingConvention.Host));
            files[$"{strategy.Name}.txt"] = $"# addresses relocated to 0x{ListingBase:X} (the arena's base) for stable diffs\n"
                + DisasmCommand.Render(set, new Disassembler(set, ListingBase));
        }

        return files;
    }

}
