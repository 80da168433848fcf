using System.CommandLine;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Running;
using HookBench.Cells;
using HookBench.Cli.Bdn;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Results;
using HookBench.Strategies;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench crosscheck</c>: the same cells (every strategy at 0, 2 and 6 args, empty handler,
/// throughput) under BenchmarkDotNet (ci config) and under the native timing loop, side by side.
/// </summary>
public static class CrosscheckCommand
{
    /// <summary>Two harnesses agree on a cell when their overheads differ by at most max(0.3 ns, 10%).</summary>
    public static bool Agree(double native, double bdn) =>
        Math.Abs(native - bdn) <= Math.Max(0.3, 0.1 * Math.Max(Math.Abs(native), Math.Abs(bdn)));

    const string Markdown = "crosscheck.md";
    const string NativeSummary = "native-summary.json";
    const string ShapedSummary = "native-managed-shaped-summary.json";

    public static Command Create(TextWriter output)
    {
        var outDir = new Option<string>("--out") { Description = "Folder for crosscheck.md and the BenchmarkDotNet artifacts (default: results/runs/<UTC timestamp>/crosscheck/)" };
        var command = new Command("crosscheck", "Measure the same cells under BenchmarkDotNet and the native harness and compare.") { outDir };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(outDir) ?? Path.Combine(ResultsFolders.NewRunFolder(), "crosscheck");
            OutputPaths.CheckFolder(directory, "--out", [Markdown, NativeSummary, ShapedSummary], folders: ["bdn"]);
            var console = Consoles.For(output);
            // The thread's strategies, as BenchmarkDotNet's crosscheck matrix has them (ops-list's cost is about K, not args).
            var plan = StrategyCatalog.All.Where(s => !Attachment.TakesOps(s))
                .SelectMany(s => new[] { 0, 2, 6 }.Select(n => new CellSpec(s, n, HandlerKind.Empty, MeasurementMode.Throughput)))
                .ToList();

            var shapedPlan = plan.Select(c => c with { Loop = LoopShape.ManagedShaped }).ToList();
            RunSummary native = null!;
            RunSummary shaped = null!;
            Dictionary<string, (double OverheadNs, double BaselineNs)> bdn = null!;
            console.Status().Start("native harness: measuring", ctx =>
            {
                using var monitor = new EventPipeInterferenceMonitor();
                string last = string.Empty;
                void Show(string status)
                {
                    if (status != last)
                        ctx.Status(Markup.Escape(last = status));
                }

                native = RunEngine.Execute(plan, new MeasurementSettings(), monitor, p => Show($"native harness: {p.Stage}"));
                using var shapedMonitor = new EventPipeInterferenceMonitor();
                shaped = RunEngine.Execute(shapedPlan, new MeasurementSettings(), shapedMonitor, p => Show($"native harness, managed-shaped loop: {p.Stage}"));
                Show($"BenchmarkDotNet (ci config, {plan.Count} cases, {BdnConfigs.Launches} processes each): building");
                var config = BdnConfigs.Create(BdnProfile.Ci, BdnMatrix.Crosscheck, Path.Combine(directory, "bdn"), native.Environment.CoreHzEstimate, quiet: true)
                    .AddLogger(new ProgressLogger(line => Show($"BenchmarkDotNet (ci config): {line}")));
                BdnOverheads.Reset(BdnConfigs.LaunchDirectory(config.ArtifactsPath));
                var summary = BenchmarkRunner.Run<HookBenchmarks>(config);
                BdnOverheads.Publish(BdnConfigs.LaunchDirectory(config.ArtifactsPath), summary.ResultsDirectoryPath);
                bdn = BdnOverheads.FromLaunches(BdnConfigs.LaunchDirectory(config.ArtifactsPath));
            });

            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("strategy").AddColumn("args", c => c.RightAligned())
                .AddColumn("native overhead ns [[95% CI]]", c => c.RightAligned())
                .AddColumn("BDN overhead ns", c => c.RightAligned())
                .AddColumn("native, BDN-shaped loop", c => c.RightAligned())
                .AddColumn("difference", c => c.RightAligned())
                .AddColumn("native / BDN baseline ns", c => c.RightAligned())
                .AddColumn("agree");
            var markdown = new StringBuilder("| strategy | args | native overhead ns [95% CI] | BDN overhead ns | native, BDN-shaped loop | difference | native / BDN baseline ns | agree |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
            var shapedByKey = shaped.Cells.ToDictionary(c => c.Key);
            int agreeing = 0;
            foreach (var cell in native.Cells)
            {
                if (!bdn.TryGetValue(cell.Key, out var b))
                {
                    table.AddRow(cell.Strategy, cell.Args.ToString(CultureInfo.InvariantCulture), "-", "missing", "-", "-", "-", "[red]no[/]");
                    continue;
                }

                double bdnOverhead = b.OverheadNs;
                bool agree = Agree(cell.OverheadNs.Median, bdnOverhead);
                agreeing += agree ? 1 : 0;
                string nativeText = cell.OverheadText;
                string baselines = $"{cell.BaselineNsPerCall!.Median:F2} / {b.BaselineNs:F2}";
                var s = shapedByKey[cell.Key].OverheadNs;
                string shapedText = $"{s.Median:F2}";
                table.AddRow(cell.Strategy, cell.Args.ToString(CultureInfo.InvariantCulture), Markup.Escape(nativeText), $"{bdnOverhead:F2}", shapedText,
                    $"{bdnOverhead - cell.OverheadNs.Median:+0.00;-0.00}", baselines, agree ? "[green]yes[/]" : "[red]no[/]");
                markdown.Append(CultureInfo.InvariantCulture,
                    $"| {cell.Strategy} | {cell.Args} | {nativeText} | {bdnOverhead:F2} | {shapedText} | {bdnOverhead - cell.OverheadNs.Median:+0.00;-0.00} | {baselines} | {(agree ? "yes" : "no")} |\n");
            }

            console.Write(table);
            string verdict = $"{agreeing} of {native.Cells.Count} cells agree within max(0.3 ns, 10%)";
            console.MarkupLineInterpolated($"{verdict}; BenchmarkDotNet artifacts in {Path.Combine(directory, "bdn")}");
            markdown.Append('\n').Append(verdict).Append('\n');
            AtomicFiles.WriteAll(directory, new Dictionary<string, string>
            {
                [Markdown] = markdown.ToString(),
                [NativeSummary] = SummaryFiles.Json(native),
                [ShapedSummary] = SummaryFiles.Json(shaped),
            });
            return HookBenchCli.Ok;
        });
        return command;
    }
}
