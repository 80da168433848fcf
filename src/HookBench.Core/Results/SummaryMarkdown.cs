using System.Globalization;
using System.Text;

namespace HookBench.Results;

/// <summary>summary.md: the run's table and environment, ready to paste into an issue or a PR.</summary>
public static class SummaryMarkdown
{
    public static string Render(RunSummary summary)
    {
        var e = summary.Environment;
        var text = new StringBuilder();
        text.Append("# HookBench run ").Append(summary.Run.StartedUtc).Append("\n\n");
        text.Append("| strategy | args | handler | mode | profile | bpf | ns/call | overhead ns [95% CI] | overhead cycles | hook instructions | × baseline |\n");
        text.Append("|---|---:|---|---|---|---|---:|---|---:|---:|---:|\n");
        foreach (var c in summary.Cells)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {c.Strategy} | {c.Args} | {c.Handler} | {c.Mode} | {c.Profile} | {c.Bpf} | {c.NsPerCall.Median:F2} | {c.OverheadNs.Median:F2} [{c.OverheadNs.CiLow:F2}; {c.OverheadNs.CiHigh:F2}] | {c.OverheadCycles:F1} | {c.HookInstructionsText} | {c.Ratio:F2} |\n");
        }

        text.Append('\n');
        KernelProbes(text, summary);
        text.Append("- CPU: ").Append(e.DescribeCpu()).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"- OS: {e.Os}; kernel {e.Kernel}; hypervisor: {e.Hypervisor ?? "none"}; runtime {e.Runtime}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Clocks: TSC {e.TscHz / 1e9:F3} GHz (calibrated against the OS monotonic clock); core ≈ {e.CoreHzEstimate / 1e9:F3} GHz (dependent-add estimate); cycles are core cycles\n");
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

    static string YesNo(bool present) => present ? "yes" : "no";

    /// <summary>The kernel-probe cells' own figures: first hit, what the site became, and the exact count; then the skipped cells.</summary>
    static void KernelProbes(StringBuilder text, RunSummary summary)
    {
        var probed = summary.Cells.Where(c => c.Kernel is not null).ToList();
        if (probed.Count > 0)
        {
            text.Append("Kernel probes: the first hit is timed alone on fresh probes (median [range]); user-space instructions exclude the probed one.\n\n");
            text.Append("| cell | probed instruction | user-space instructions | first hit overhead ns | site after first hit | calls made | BPF count |\n");
            text.Append("|---|---|---:|---:|---|---:|---:|\n");
            foreach (var c in probed)
            {
                var k = c.Kernel!;
                text.Append(CultureInfo.InvariantCulture,
                    $"| {c.Key} | {k.ProbedInstruction} | {c.UserInstructionsPerCall?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {k.FirstHitOverheadNs.Median:F0} [{k.FirstHitOverheadNs.CiLow:F0}; {k.FirstHitOverheadNs.CiHigh:F0}] | {k.SiteAfterFirstHit} | {k.CallsMade} | {(k.BpfCountedCalls is ulong n ? n.ToString(CultureInfo.InvariantCulture) : "–")} |\n");
            }

            text.Append('\n');
        }

        foreach (string line in SkippedCell.Lines(summary.Skipped))
            text.Append("- ").Append(line).Append('\n');
        if (summary.Skipped.Count > 0)
            text.Append('\n');
    }
}
