using HookBench.Cells;
using HookBench.Results;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>The console table of a run.</summary>
public static class ResultsTable
{
    public static void Write(IAnsiConsole console, RunSummary summary)
    {
        // The footprint and caller columns appear only when some cell is off their defaults.
        bool axes = summary.Cells.Any(c => c.Functions != 1 || c.Caller != CallerContext.Unrolled.Name());
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("strategy").AddColumn("args", c => c.RightAligned()).AddColumn("handler").AddColumn("mode").AddColumn("profile");
        if (axes)
            table.AddColumn("functions", c => c.RightAligned()).AddColumn("caller");
        table.AddColumn("ns/call", c => c.RightAligned())
            .AddColumn("overhead ns [[95% CI]]", c => c.RightAligned())
            .AddColumn("overhead cycles [[95% CI]]", c => c.RightAligned())
            .AddColumn("hook instr.", c => c.RightAligned())
            .AddColumn("× baseline", c => c.RightAligned());
        foreach (var c in summary.Cells)
        {
            string[] cells =
            [
                Markup.Escape(c.Variant), c.Args.ToString(), c.Handler, c.Mode, Markup.Escape(c.Profile),
                .. axes ? new[] { c.Functions.ToString(), Markup.Escape(c.Caller) } : [],
                $"{c.NsPerCall.Median:F2}",
                Markup.Escape(c.OverheadText),
                Markup.Escape(c.OverheadCyclesText),
                c.HookInstructionsText,
                $"{c.Ratio:F2}",
            ];
            table.AddRow(cells);
        }

        var e = summary.Environment;
        table.Caption(Markup.Escape(
            $"{e.Cpu}, {e.Hypervisor ?? "bare metal"}; {SummaryMarkdown.ClockLine(summary)}; "
            + $"{summary.Cells.Sum(c => c.Reps)} reps in all, CPU {e.PinnedCpu}; {summary.Cells.Sum(c => c.DiscardedReps)} reps discarded for runtime interference"));
        console.Write(table);
        string precision = SummaryMarkdown.PrecisionLine(summary);
        console.MarkupLine(summary.ImpreciseCells > 0 ? $"[yellow]{Markup.Escape(precision)}[/]" : Markup.Escape(precision));
    }
}
