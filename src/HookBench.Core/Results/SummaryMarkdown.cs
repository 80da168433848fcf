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
        text.Append("| strategy | args | handler | mode |").Append(axes ? " functions | caller |" : "")
            .Append(" ns/call | overhead ns [95% CI] | overhead cycles | hook instructions | × baseline |\n");
        text.Append("|---|---:|---|---|").Append(axes ? "---:|---|" : "").Append("---:|---|---:|---:|---:|\n");
        foreach (var c in summary.Cells)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {c.Strategy} | {c.Args} | {c.Handler} | {c.Mode} |");
            if (axes)
                text.Append(CultureInfo.InvariantCulture, $" {c.Functions} | {c.Caller} |");
            text.Append(CultureInfo.InvariantCulture,
                $" {c.NsPerCall.Median:F2} | {c.OverheadNs.Median:F2} [{c.OverheadNs.CiLow:F2}; {c.OverheadNs.CiHigh:F2}] | {c.OverheadCycles:F1} | {c.HookInstructionsText} | {c.Ratio:F2} |\n");
        }

        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"- CPU: {e.Cpu} (family {e.CpuFamily}, model {e.CpuModel}, microcode {e.Microcode})\n");
        text.Append(CultureInfo.InvariantCulture, $"- OS: {e.Os}; kernel {e.Kernel}; hypervisor: {e.Hypervisor ?? "none"}; runtime {e.Runtime}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Clocks: TSC {e.TscHz / 1e9:F3} GHz (calibrated against the OS monotonic clock); core ≈ {e.CoreHzEstimate / 1e9:F3} GHz (dependent-add estimate); cycles are core cycles\n");
        text.Append(CultureInfo.InvariantCulture, $"- Measuring thread pinned to CPU {e.PinnedCpu}; repetitions {summary.Run.RepsPolicy ?? summary.Run.Reps.ToString(CultureInfo.InvariantCulture)}, {summary.Run.MeasurementMs:F1} ms per measurement, ABI {summary.Run.Abi}, seed {summary.Run.Seed}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Interference: {summary.Run.Interference}; {summary.Cells.Sum(c => c.DiscardedReps)} repetitions discarded in all\n");
        if (e.Mitigations.Count > 0)
        {
            text.Append("- Mitigations:\n");
            foreach (var (name, state) in e.Mitigations)
                text.Append(CultureInfo.InvariantCulture, $"  - {name}: {state}\n");
        }

        return text.ToString();
    }
}
