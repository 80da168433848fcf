using System.CommandLine;
using System.Globalization;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Results;
using HookBench.Strategies;
using HookBench.Uprobes;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench run</c>: measures per-call overhead with the native timing loop. Without selection
/// options it runs the quick matrix; with them, their cross product.
/// </summary>
public static class RunCommand
{
    public static Command Create(TextWriter output)
    {
        var strategies = CommonOptions.Strategies();
        var args = CommonOptions.ArgList("0-6");
        var handlers = CommonOptions.Handlers();
        var modes = CommonOptions.Modes(MeasurementMode.Throughput.Name());
        var profiles = CommonOptions.Profiles();
        var programs = CommonOptions.Programs();
        var reps = new Option<string>("--reps") { Description = "Fixed repetitions per cell, 5..10000 (default: adaptive, until the overhead CI is within max(0.1 ns, 2%))" };
        var ms = new Option<string>("--measure-ms") { Description = "Length of one hooked measurement in ms, 0.1..1000 (default: 1)" };
        var outDir = new Option<string>("--out") { Description = "Folder for summary.json/.md/.csv (default: results/runs/<UTC timestamp>/)" };
        var cpu = new Option<string>("--cpu") { Description = "CPU to pin the measuring thread to (default: the last one available)" };
        var seed = new Option<string>("--seed") { Description = "Seed of the cell-order shuffle (default: 1)" };
        var loop = CommonOptions.Loop();
        var functions = CommonOptions.Functions();
        var callers = CommonOptions.Callers();
        var attach = AttachmentOptions.Lists();
        var placements = new Option<string>("--placements") { Description = "per-round (default: every round on a freshly emitted placement of the code: other pages, code offset and stack slot; kernel probes keep one) or fixed (one placement for the whole run, the earlier design)" };
        var command = new Command("run", "Measure per-call hook overhead (the quick matrix by default).")
        {
            strategies, args, handlers, modes, profiles, reps, ms, outDir, cpu, seed, loop, placements, functions, callers,
        };
        attach.AddTo(command);
        command.Options.Add(programs);
        command.SetAction(parse =>
        {
            bool selected = new[] { strategies, args, handlers, modes, profiles, functions, callers, programs }.Any(o => parse.GetValue(o) is not null) || attach.AnyGiven(parse);
            IReadOnlyList<string> skipped = [];
            var named = parse.GetValue(strategies) is string s ? CellAxes.ParseStrategies(s) : null;
            var bpf = parse.GetValue(programs) is string b ? CellAxes.ParsePrograms(b) : null;
            IReadOnlyList<CellSpec> plan = selected
                ? RunPlan.Select(
                    named ?? (bpf is null ? StrategyCatalog.UserSpace : StrategyCatalog.KernelProbes),
                    CellAxes.ParseArgs(parse.GetValue(args) ?? "0-6"),
                    CellAxes.ParseHandlers(parse.GetValue(handlers) ?? HandlerKind.Empty.Name()),
                    CellAxes.ParseModes(parse.GetValue(modes) ?? MeasurementMode.Throughput.Name()),
                    out skipped,
                    attach.ParseAll(parse),
                    CellAxes.ParseProfiles(parse.GetValue(profiles) ?? Mitigations.MitigationProfiles.None.Name),
                    CellAxes.ParseFunctions(parse.GetValue(functions) ?? "1"),
                    CellAxes.ParseCallers(parse.GetValue(callers) ?? CallerContext.Unrolled.Name()),
                    bpf)
                : RunPlan.Quick();
            RequireKernelProbesWhereNamed(named ?? (bpf is null ? [] : StrategyCatalog.KernelProbes));
            if (parse.GetValue(loop) is string loopName)
            {
                var shape = LoopShapes.Parse(loopName);
                if (shape != LoopShape.Unrolled)
                {
                    // The cross-check loop replaces the unrolled loop of one function; other cells have their own loops.
                    static bool Plain(CellSpec c) => c.Key.Functions == 1 && c.Key.Caller == CallerContext.Unrolled;
                    skipped = [.. skipped, .. plan.Where(c => !Plain(c)).Select(c => $"{c}: --loop {shape.Name()} applies to one function under the {CallerContext.Unrolled.Name()} caller")];
                    plan = [.. plan.Where(Plain)];
                }

                plan = [.. plan.Select(c => c with { Loop = shape })];
            }

            if (plan.Count == 0)
                throw new UsageException("the selection leaves no cell to measure: " + string.Join("; ", skipped));
            var settings = new MeasurementSettings
            {
                Reps = parse.GetValue(reps) is string r ? CommonOptions.ParseInt(r, "--reps", 5, 10_000, 0) : null,
                MeasurementTime = TimeSpan.FromMilliseconds(CommonOptions.ParseDouble(parse.GetValue(ms), "--measure-ms", 0.1, 1000, 1)),
                Seed = CommonOptions.ParseInt(parse.GetValue(seed), "--seed", 0, int.MaxValue, 1),
                Cpu = parse.GetValue(cpu) is string c ? CommonOptions.ParseInt(c, "--cpu", 0, 63, 0) : null,
                FreshPlacements = (parse.GetValue(placements) ?? "per-round") switch
                {
                    "per-round" => true,
                    "fixed" => false,
                    var other => throw new UsageException($"--placements '{other}' is not valid; valid: per-round, fixed"),
                },
            };
            string directory = parse.GetValue(outDir) ?? ResultsFolders.NewRunFolder();
            OutputPaths.CheckFolder(directory, "--out", SummaryFiles.Names);

            var console = Consoles.For(output);
            foreach (string skip in skipped)
                console.MarkupLineInterpolated($"[grey]skipped {skip}[/]");
            RunSummary summary = Measure(console, plan, settings);
            foreach (string line in SkippedCell.Lines(summary.Skipped))
                console.MarkupLineInterpolated($"[yellow]{line}[/]");
            SummaryFiles.Write(directory, summary);
            ResultsTable.Write(console, summary);
            console.MarkupLineInterpolated($"[grey]{plan.Count} cells in {summary.Run.WallSeconds:F1} s; wrote summary.json, summary.md, summary.csv to {directory}[/]");
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>
    /// Kernel probes asked for by name (or, with no strategy named, through --bpf-prog) on a host that has none at
    /// all (not Linux x86-64, no uprobe PMU) are bad input: one line, exit 2, nothing measured. A host that has
    /// them but refuses this process is found out cell by cell, and those cells are skipped with the reason.
    /// </summary>
    static void RequireKernelProbesWhereNamed(IReadOnlyList<Strategy> named)
    {
        var kernel = named.Where(s => s.IsKernelProbe).Select(s => s.Name).ToList();
        if (kernel.Count > 0 && KernelProbes.ForThisProcess().MissingFacility() is { } missing)
            throw new UsageException($"{string.Join(", ", kernel)} needs kernel uprobes and this host has none: {missing.Line}; valid strategies here: {string.Join(", ", StrategyCatalog.UserSpace.Select(s => s.Name))}");
    }

    static RunSummary Measure(IAnsiConsole console, IReadOnlyList<CellSpec> plan, MeasurementSettings settings)
    {
        using var monitor = new EventPipeInterferenceMonitor();
        string line = Environment.CommandLine;
        RunSummary? summary = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("calibrating", maxValue: plan.Count);
                summary = RunEngine.Execute(plan, settings, monitor, p =>
                {
                    task.Value = p.Done;
                    task.Description = Markup.Escape(p.Current is null ? p.Stage : $"{p.Current} ({p.Done + 1}/{p.Total})");
                }, line);
            });
        return summary!;
    }
}
