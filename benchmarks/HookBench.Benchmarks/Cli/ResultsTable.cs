using HookBench.Results;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>The console table of a run.</summary>
public static class ResultsTable
{
    public static void Write(IAnsiConsole console, RunSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("strategy").AddColumn("args", c => c.RightAligned()).AddColumn("handler").AddColumn("mode").AddColumn("profile")
            .AddColumn("ns/call", c => c.RightAligned())
            .AddColumn("overhead ns [[95% CI]]", c => c.RightAligned())
            .AddColumn("overhead cycles [[95% CI]]", c => c.RightAligned())
            .AddColumn("hook instr.", c => c.RightAligned())
            .AddColumn("× baseline", c => c.RightAligned());
        foreach (var c in summary.Cells)
        {
            table.AddRow(
                Markup.Escape(c.Variant), c.Args.ToString(), c.Handler, c.Mode, Markup.Escape(c.Profile),
                $"{c.NsPerCall.Median:F2}",
                Markup.Escape(c.OverheadText),
                Markup.Escape(c.OverheadCyclesText),
                c.HookInstructionsText,
                $"{c.Ratio:F2}");
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
