using System.CommandLine;
using HookBench.Cells;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Patching.Latency;
using HookBench.Reporting;
using HookBench.Results;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench patch-latency</c>: attach and detach latency per patcher and batch size, what callers feel
/// meanwhile, and the cost of one core sync; writes patch-latency.json/.md and the attach-cost chart.
/// </summary>
public static class PatchLatencyCommand
{
    public const string ChartFile = "attach-cost-per-site.svg";

    public static Command Create(TextWriter output)
    {
        var safe = LivePatchers.All.Where(p => !p.IsUnsafe).Select(p => p.Name).ToList();
        var patchers = new Option<string>("--patchers") { Description = $"Comma list: {string.Join(", ", safe)} (default: all of them)" };
        var sizes = new Option<string>("--sizes") { Description = $"Sites per batch, comma list in 1..{PatchLatencySettings.MaxSites} (default: 1,16,256,4096)" };
        var reps = new Option<string>("--reps") { Description = "Attach + detach pairs per patcher and size, 3..10000 (default: 15)" };
        var callers = new Option<string>("--callers") { Description = $"Timing caller threads running meanwhile, 0..63 (default: one per other CPU, at least 1; here {DefaultCallers})" };
        var outDir = new Option<string>("--out") { Description = "Folder for patch-latency.json/.md and the chart (default: results/runs/<UTC timestamp>/)" };
        var command = new Command("patch-latency", "Measure attach/detach latency of the live patchers for 1..4096 sites per batch.")
        {
            patchers, sizes, reps, callers, outDir,
        };
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
                throw new UsageException("patch-latency patches live code through a memfd alias: Linux only");
            var settings = new PatchLatencySettings
            {
                Patchers = parse.GetValue(patchers) is string p
                    ? [.. CellAxes.ParseList(p, "--patchers", name => ParseSafe(name, safe))]
                    : new PatchLatencySettings().Patchers,
                Sizes = parse.GetValue(sizes) is string s
                    ? [.. CellAxes.ParseList(s, "--sizes", t => CommonOptions.ParseInt(t, "--sizes value", 1, PatchLatencySettings.MaxSites, 0))]
                    : PatchLatencySettings.DefaultSizes,
                Reps = CommonOptions.ParseInt(parse.GetValue(reps), "--reps", 3, 10_000, 15),
                Callers = CommonOptions.ParseInt(parse.GetValue(callers), "--callers", 0, 63, DefaultCallers),
            };
            settings.EnsureValid();
            string directory = parse.GetValue(outDir) ?? ResultsFolders.NewRunFolder();
            directory = OutputPaths.CheckFolder(directory, "--out", ["patch-latency.json", "patch-latency.md", ChartFile]);

            var console = Consoles.For(output);
            PatchLatencyResult result = null!;
            console.Status().Start("measuring", ctx => result = PatchLatency.Run(settings, "hookbench " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
                stage => ctx.Status(Markup.Escape(stage))));
            string title = $"Attach cost per site: {result.Machine.Cpu}, {result.Callers} caller(s)";
            AtomicFiles.WriteAll(directory, new Dictionary<string, string>
            {
                ["patch-latency.json"] = result.ToJson(),
                ["patch-latency.md"] = PatchLatencyMarkdown.Render(result),
                [ChartFile] = PatchLatencyChart.AttachCostPerSite(result, title),
            });
            output.Write(PatchLatencyMarkdown.Render(result));
            console.MarkupLineInterpolated($"[grey]wrote patch-latency.json, patch-latency.md, {ChartFile} to {directory}[/]");
            return HookBenchCli.Ok;
        });
        return command;
    }

    static int DefaultCallers => Math.Max(1, ThreadPinning.AllowedCpus().Count - 1);

    static LivePatcher ParseSafe(string name, IReadOnlyList<string> safe)
    {
        var patcher = LivePatchers.Parse(name);
        return patcher.IsUnsafe
            ? throw new UsageException($"patcher {patcher.Name} runs only in child processes (hookbench patch-stress --patcher {patcher.Name}); valid for patch-latency: {string.Join(", ", safe)}")
            : patcher;
    }
}
