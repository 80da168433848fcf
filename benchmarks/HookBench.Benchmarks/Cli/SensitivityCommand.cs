using System.CommandLine;
using System.Globalization;
using HookBench.Cells;
using HookBench.Comparison;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Strategies;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary><c>hookbench sensitivity</c>: the smallest injected cost the regression gate detects, and that clean runs stay quiet.</summary>
public static class SensitivityCommand
{
    public static Command Create(TextWriter output)
    {
        var strategy = new Option<string>("--strategy") { Description = $"Strategy whose trampoline is slowed down, one with a trampoline: {string.Join(", ", StrategyCatalog.All.Where(s => s.Trampoline is not null).Select(s => s.Name))} (default: min-regs)" };
        var args = new Option<string>("--args") { Description = $"Argument count, {CellAxes.ArgRange} (default: 2)" };
        var mode = new Option<string>("--mode") { Description = $"One of {MeasurementModes.ValidNames} (default: serialized: each call runs alone, so its critical path is the time)" };
        var cycles = new Option<string>("--cycles") { Description = "Injected dependent cycles to try, comma list (default: 1,2,4,8)" };
        var command = new Command("sensitivity", "Inject k dependent cycles into one trampoline and report the smallest k compare detects.")
        {
            strategy, args, mode, cycles,
        };
        command.SetAction(parse =>
        {
            var s = StrategyCatalog.Parse(parse.GetValue(strategy) ?? StrategyCatalog.MinRegs.Name);
            int n = CommonOptions.ParseArgCount(parse.GetValue(args) ?? "2");
            var m = MeasurementModes.Parse(parse.GetValue(mode) ?? MeasurementMode.Serialized.Name());
            var ks = CellAxes.ParseList(parse.GetValue(cycles) ?? "1,2,4,8", "--cycles", t => CommonOptions.ParseInt(t, "--cycles value", 1, 256, 0));
            var target = new CellSpec(s, n, HandlerKind.Empty, m);
            target.Key.Validate();
            CellSpec[] controls =
            [
                new(StrategyCatalog.None, n, HandlerKind.Empty, m),
                new(StrategyCatalog.Direct, n, HandlerKind.Empty, m),
                new(StrategyCatalog.FullRegs, n, HandlerKind.Empty, m),
            ];
            var console = Consoles.For(output);
            SensitivityResult result = null!;
            console.Status().Start("measuring", ctx =>
                result = Sensitivity.Run(target, controls, [.. ks.Order()], Settings, () => new EventPipeInterferenceMonitor(),
                    new Thresholds(), label => ctx.Status(Markup.Escape(label))));

            var table = new Table().Border(TableBorder.Rounded).AddColumn("injected")
                .AddColumn("≈ ns at core clock", c => c.RightAligned()).AddColumn("measured shift, cycles [[95% CI]]", c => c.RightAligned())
                .AddColumn("threshold, cycles", c => c.RightAligned()).AddColumn("verdict").AddColumn("cells flagged", c => c.RightAligned());
            var clean = result.CleanVersusClean.Cells.Single(c => c.Key == target.Key.Text);
            table.AddRow("clean vs clean", "0", Markup.Escape(Shift(clean)), $"{clean.Threshold:F3}", clean.Verdict.ToString().ToLowerInvariant(),
                result.CleanVersusClean.Count(Verdict.Slower) + result.CleanVersusClean.Count(Verdict.Faster) + "");
            foreach (var step in result.Steps)
            {
                table.AddRow($"{step.Cycles} cycle(s)", $"{step.Cycles * 1e9 / result.CoreHz:F3}", Markup.Escape(Shift(step.Target)),
                    $"{step.Target.Threshold:F3}", step.Target.Verdict == Verdict.Slower ? "[red]slower[/]" : step.Target.Verdict.ToString().ToLowerInvariant(),
                    step.FlaggedCells.ToString(CultureInfo.InvariantCulture));
            }

            foreach (var step in result.Steps.Where(s => s.Flagged.Any(f => !f.StartsWith(target.Key.Text + " ", StringComparison.Ordinal))))
                console.MarkupLineInterpolated($"[yellow]with {step.Cycles} cycle(s) injected a control cell also moved: {string.Join(", ", step.Flagged)}[/]");

            console.MarkupLineInterpolated($"Target: {target} (other cells: controls, measured alongside)");
            console.Write(table);
            int cleanFlags = result.CleanVersusClean.Count(Verdict.Slower) + result.CleanVersusClean.Count(Verdict.Faster);
            console.MarkupLineInterpolated(
                $"Smallest detected injection: {(result.SmallestDetected is int k ? $"{k} cycle(s)" : "none of those tried")}; clean vs clean flagged {cleanFlags} of {result.CleanVersusClean.Cells.Count} cells.");
            return result.SmallestDetected is not null && cleanFlags == 0 ? HookBenchCli.Ok : HookBenchCli.Failed;
        });
        return command;
    }

    /// <summary>
    /// Tighter than a quick run: at least 256 repetitions per cell (64 rounds, each on its own placement) and
    /// an interval aimed at a quarter of the precision target, so a difference of a cycle or two is resolved
    /// rather than lost in the interval.
    /// </summary>
    static MeasurementSettings Settings { get; } = new()
    {
        MinReps = 256,
        MaxReps = 800,
        Precision = PrecisionTarget.Default with { Margin = 0.25 },
    };

    static string Shift(CellComparison c) => c.Shift is null ? "-" : c.Shift.FormatSigned();
}
