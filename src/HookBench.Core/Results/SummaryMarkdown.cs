using System.Globalization;
using System.Text;
using HookBench.Cells;

namespace HookBench.Results;

/// <summary>summary.md: the run's table and environment, ready to paste into an issue or a PR.</summary>
public static class SummaryMarkdown
{
    public static string Render(RunSummary summary)
    {
        var e = summary.Environment;
        var text = new StringBuilder();
        text.Append("# HookBench run ").Append(summary.Run.StartedUtc).Append("\n\n");
        // The footprint and caller columns appear only when some cell is off their defaults.
        bool axes = summary.Cells.Any(c => c.Functions != 1 || c.Caller != CallerContext.Unrolled.Name());
        text.Append("| strategy | args | handler | mode | profile |").Append(axes ? " functions | caller |" : "")
            .Append(" ns/call | overhead ns [95% CI] | overhead cycles [95% CI] | hook instructions | × baseline |\n");
        text.Append("|---|---:|---|---|---|").Append(axes ? "---:|---|" : "").Append("---:|---|---|---:|---:|\n");
        foreach (var c in summary.Cells)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {c.Variant} | {c.Args} | {c.Handler} | {c.Mode} | {c.Profile} |");
            if (axes)
                text.Append(CultureInfo.InvariantCulture, $" {c.Functions} | {c.Caller} |");
            text.Append(CultureInfo.InvariantCulture,
                $" {c.NsPerCall.Median:F2} | {c.OverheadText} | {c.OverheadCyclesText} | {c.HookInstructionsText} | {c.Ratio:F2} |\n");
        }

        text.Append('\n');
        text.Append(PrecisionLine(summary)).Append("\n\n");
        KernelProbes(text, summary);
        text.Append("- CPU: ").Append(e.DescribeCpu()).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"- OS: {e.Os}; kernel {e.Kernel}; hypervisor: {e.Hypervisor ?? "none"}; runtime {e.Runtime}\n");
        text.Append("- Clocks: ").Append(ClockLine(summary)).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"- Measuring thread pinned to CPU {e.PinnedCpu}; repetitions {summary.Run.RepsPolicy ?? summary.Run.Reps.ToString(CultureInfo.InvariantCulture)}, {summary.Run.MeasurementMs:F1} ms per measurement, ABI {summary.Run.Abi}, seed {summary.Run.Seed}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Interference: {summary.Run.Interference}; {summary.Cells.Sum(c => c.DiscardedReps)} repetitions discarded in all\n");
        if (e.HostProfile is { } host)
            text.Append(CultureInfo.InvariantCulture, $"- Profile host here: {host.Knobs} ({string.Join("; ", host.Readings)})\n");
        if (e.UprobePaths is { } paths)
            text.Append(CultureInfo.InvariantCulture, $"- Kernel uprobe paths (kallsyms): uretprobe syscall {YesNo(paths.UretprobeSyscall)} (6.11), uprobe syscall {YesNo(paths.UprobeSyscall)} and nop5 optimization {YesNo(paths.Nop5Optimization)} (6.18)\n");
        if (e.Mitigations.Count > 0)
        {
            text.Append("- Mitigations:\n");
            foreach (var (name, state) in e.Mitigations)
                text.Append(CultureInfo.InvariantCulture, $"  - {name}: {state}\n");
        }

        return text.ToString();
    }

    /// <summary>Imprecise cells named in the precision line; the rest are counted.</summary>
    const int ListedImprecise = 8;

    /// <summary>"All 87 cells met their precision target." or "3 of 87 cells (marked †) missed …", for every table's summary line.</summary>
    public static string PrecisionLine(RunSummary summary)
    {
        int imprecise = summary.ImpreciseCells;
        if (summary.Cells.All(c => c.Precision is null))
            return "Precision: not recorded in this file.";
        return imprecise == 0
            ? $"All {summary.Cells.Count} cells met their precision target."
            : $"{imprecise} of {summary.Cells.Count} cells (marked {CellPrecision.Mark}) missed their precision target and are left out of regression gating: "
                + string.Join("; ", summary.Cells.Where(c => c.Precision is { Met: false }).Take(ListedImprecise).Select(c => $"{c.Key} {c.Precision!.Shortfall}"))
                + (imprecise > ListedImprecise ? $"; and {imprecise - ListedImprecise} more" : string.Empty);
    }

    /// <summary>The clocks a run's figures are in: TSC rate, the core clock over the rounds, the imul cross-check.</summary>
    public static string ClockLine(RunSummary summary)
    {
        var e = summary.Environment;
        string tsc = string.Create(CultureInfo.InvariantCulture, $"TSC {e.TscHz / 1e9:F3} GHz (calibrated against the OS monotonic clock)");
        if (summary.Clock is not { } clock)
            return tsc + string.Create(CultureInfo.InvariantCulture, $"; core ≈ {e.CoreHzEstimate / 1e9:F3} GHz (dependent-add estimate, read once); cycles are core cycles");
        string line = tsc + string.Create(CultureInfo.InvariantCulture,
            $"; core {clock.CoreHz.Times(1e-9).Format("F3")} GHz over {clock.Rounds.Count} rounds (dependent add rax, rdx chain read every round), "
            + $"imul/add {clock.ImulRatio.Format("F3")} (3 expected); cycles are core cycles at each round's clock");
        // A ratio far from 3 means one of the chains did not run at its latency (an eliminated add, a
        // throttled core mid-reading): the cycle figures then rest on a wrong clock.
        return Math.Abs(clock.ImulRatio.Median / 3 - 1) > 0.05
            ? line + string.Create(CultureInfo.InvariantCulture, $" — WARNING: imul/add is {clock.ImulRatio.Median:F2}, not 3: the core clock reading, and every cycle figure, is suspect")
            : line;
    }

    static string YesNo(bool present) => present ? "yes" : "no";

    /// <summary>The kernel-probe cells' own figures: first hit, what the site became, and the exact count; then the skipped cells.</summary>
    static void KernelProbes(StringBuilder text, RunSummary summary)
    {
        var probed = summary.Cells.Where(c => c.Kernel is not null).ToList();
        if (probed.Count > 0)
        {
            text.Append("Kernel probes: the first hit is timed alone on fresh probes (median [95% interval]); user-space instructions exclude the probed one.\n\n");
            text.Append("| cell | probed instruction | user-space instructions | first hit overhead ns | site after first hit | calls made | BPF count |\n");
            text.Append("|---|---|---:|---:|---|---:|---:|\n");
            foreach (var c in probed)
            {
                var k = c.Kernel!;
                text.Append(CultureInfo.InvariantCulture,
                    $"| {c.Key} | {k.ProbedInstruction} | {c.UserInstructionsPerCall?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {k.FirstHitOverheadNs.Format("F0")} | {k.SiteAfterFirstHit} | {k.CallsMade} | {(k.BpfCountedCalls is ulong n ? n.ToString(CultureInfo.InvariantCulture) : "–")} |\n");
            }

            text.Append('\n');
        }

        foreach (string line in SkippedCell.Lines(summary.Skipped))
            text.Append("- ").Append(line).Append('\n');
        if (summary.Skipped.Count > 0)
            text.Append('\n');
    }
}
