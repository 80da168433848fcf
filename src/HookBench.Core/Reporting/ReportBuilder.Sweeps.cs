using System.Text;
using HookBench.Cells;
using HookBench.Footprint;
using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>
/// The published page's sections for the footprint sweep (overhead against the number of hooked
/// functions) and the caller-context sweep, each with its chart; both appear only for machines whose
/// run measured them, so pages of older runs stay as they were.
/// </summary>
public static partial class ReportBuilder
{
    public const string FunctionsChart = "overhead-vs-functions.svg";
    public const string CallerChart = "overhead-by-caller.svg";

    /// <summary>The cells of one hot function under the unrolled caller: what every table before the sweeps shows.</summary>
    public static RunSummary PlainCells(RunSummary summary) =>
        summary with { Cells = [.. summary.Cells.Where(c => c.Functions == 1 && c.Caller == CallerContext.Unrolled.Name())] };

    static void AddSweepCharts(Dictionary<string, string> files, PublishedMachine machine)
    {
        string cpu = machine.Summary.Environment.Cpu;
        if (Charts.FootprintRows(machine.Summary).Count > 0)
            files[$"{machine.Slug}/charts/{FunctionsChart}"] = Charts.OverheadVersusFunctions(machine.Summary, $"Hook overhead vs hooked functions, 2 arguments — {cpu}");
        if (Charts.CallerRows(machine.Summary).Count > 0)
            files[$"{machine.Slug}/charts/{CallerChart}"] = Charts.OverheadByCaller(machine.Summary, $"Hook overhead by caller context, 2 arguments — {cpu}");
    }

    static void Sweeps(StringBuilder text, PublishedMachine machine)
    {
        Footprint(text, machine);
        Callers(text, machine);
    }

    static void Footprint(StringBuilder text, PublishedMachine machine)
    {
        var rows = Charts.FootprintRows(machine.Summary);
        if (rows.Count == 0)
            return;
        var counts = rows.SelectMany(r => r.Cells).Select(c => c.Functions).Distinct().Order().ToList();
        text.Append("### Beyond one hot function: overhead vs hooked functions (2 args, empty handler, throughput)\n\n");
        text.Append("M functions, each with its own site, all hooked, called in a fixed pseudo-random order by an unrolled driver of direct calls; ");
        text.Append("the baseline is the same driver over the same functions unhooked. The column for 1 function is the plain cell above. ");
        text.Append("ns per call, median [95% CI] · core cycles\n\n");
        text.Append(Invariant($"![overhead vs hooked functions]({machine.Slug}/charts/{FunctionsChart})\n\n"));
        text.Append("| strategy | shape |").Append(string.Concat(counts.Select(m => Invariant($" {m} |")))).Append('\n');
        text.Append("|---|---|").Append(string.Concat(counts.Select(_ => "---:|"))).Append('\n');
        foreach (var (strategy, cells) in rows)
        {
            string shape = cells.Select(c => c.Footprint?.Shape).FirstOrDefault(s => s is not null) ?? "–";
            text.Append(Invariant($"| {strategy} | {shape} |"));
            foreach (int m in counts)
                text.Append(cells.FirstOrDefault(c => c.Functions == m) is CellResult cell ? Estimate(cell) : " – |");
            text.Append('\n');
        }

        text.Append("\nWhat one pass over the functions executes: distinct bytes of hook code · hook instructions per call (mean) · distinct branch instructions, hooked (unhooked)\n\n");
        text.Append("| strategy |").Append(string.Concat(counts.Select(m => Invariant($" {m} |")))).Append('\n');
        text.Append("|---|").Append(string.Concat(counts.Select(_ => "---:|"))).Append('\n');
        foreach (var (strategy, cells) in rows)
        {
            text.Append(Invariant($"| {strategy} |"));
            foreach (int m in counts)
                text.Append(cells.FirstOrDefault(c => c.Functions == m) is CellResult cell ? Invariant($" {Bytes(cell.HookCodeBytes)} · {HookInstructionsPerCall(cell)} · {Branches(cell)} |") : " – |");
            text.Append('\n');
        }

        text.Append('\n');
        Crossover(text, rows, counts);
    }

    /// <summary>Where the per-function shape stops beating the shared one, read off the intervals.</summary>
    static void Crossover(StringBuilder text, IReadOnlyList<(string Strategy, IReadOnlyList<CellResult> Cells)> rows, IReadOnlyList<int> counts)
    {
        var shared = rows.FirstOrDefault(r => r.Cells.Any(c => c.Footprint?.Shape == FootprintShape.Shared.Name()));
        var perFunction = rows.FirstOrDefault(r => r.Cells.Any(c => c.Footprint?.Shape == FootprintShape.PerFunction.Name()));
        if (shared.Cells is null || perFunction.Cells is null)
            return;
        var verdicts = new List<string>();
        foreach (int m in counts)
        {
            var s = shared.Cells.FirstOrDefault(c => c.Functions == m);
            var p = perFunction.Cells.FirstOrDefault(c => c.Functions == m);
            if (s is null || p is null)
                continue;
            string verdict = p.OverheadNs.CiHigh < s.OverheadNs.CiLow ? $"{perFunction.Strategy} ahead"
                : s.OverheadNs.CiHigh < p.OverheadNs.CiLow ? $"{shared.Strategy} ahead"
                : "intervals overlap";
            verdicts.Add(Invariant($"{m}: {p.OverheadNs.Median:F2} vs {s.OverheadNs.Median:F2} ns, {verdict}"));
        }

        if (verdicts.Count > 0)
            text.Append(Invariant($"A trampoline per function ({perFunction.Strategy}) against one shared trampoline with its lookup ({shared.Strategy}), by hooked functions: {string.Join("; ", verdicts)}.\n\n"));
    }

    static void Callers(StringBuilder text, PublishedMachine machine)
    {
        var rows = Charts.CallerRows(machine.Summary);
        if (rows.Count == 0)
            return;
        var columns = Charts.CallerColumns;
        text.Append("### Caller context (2 args, empty handler, one function)\n\n");
        text.Append("The code around each call: `unrolled` (16 calls per loop iteration, the plain cells), `rolled` (a counted loop, one call per iteration, ");
        text.Append("the induction variable as an argument and the results summed: gcc -O2's shape), `busy` (12 independent single-cycle ALU instructions after each call); ");
        text.Append("`serialized` is the measurement mode of that name (an `lfence` after every call, unrolled). ns per call, median [95% CI] · core cycles\n\n");
        text.Append(Invariant($"![overhead by caller context]({machine.Slug}/charts/{CallerChart})\n\n"));
        text.Append("| strategy |").Append(string.Concat(columns.Select(c => $" {c} |"))).Append('\n');
        text.Append("|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        foreach (var (strategy, cells) in rows)
            text.Append(Invariant($"| {strategy} |")).Append(string.Concat(cells.Select(c => c is null ? " – |" : Estimate(c)))).Append('\n');
        var callerWork = columns.Select((column, i) => (column, rows.Select(r => r.Cells[i]?.CallerInstructionsPerCall).FirstOrDefault(v => v is not null)))
            .Where(c => c.Item2 is not null).Select(c => Invariant($"{c.column} {c.Item2:0.###}")).ToList();
        text.Append('\n');
        if (callerWork.Count > 0)
            text.Append("The caller's own instructions per call (the call, argument moves, loop counter and branch, busy work): ").Append(string.Join(" · ", callerWork)).Append("\n\n");
    }

    static string Estimate(CellResult cell) =>
        Invariant($" {cell.OverheadNs.Median:F2} [{cell.OverheadNs.CiLow:F2}; {cell.OverheadNs.CiHigh:F2}] · {cell.OverheadCycles:F1} |");

    static string Bytes(int? bytes) => bytes is int b ? Invariant($"{b:N0} B") : "–";

    static string Branches(CellResult cell) => cell.Footprint is FootprintResult f && f.BranchesPerPass > 0
        ? Invariant($"{f.BranchesPerPass:N0} ({f.BaselineBranchesPerPass:N0}) br")
        : "–";

    static string HookInstructionsPerCall(CellResult cell) => cell.Footprint is FootprintResult f
        ? Invariant($"{f.HookInstructionsPerPass / (double)f.CallsPerPass:0.#}")
        : cell.HookInstructionsText;
}
