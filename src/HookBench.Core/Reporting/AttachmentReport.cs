using System.Globalization;
using System.Text;
using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>
/// The report's section on what sits between the trampoline and the program: ftrace's ops list against K,
/// the BPF trampoline against P, the enter/exit profiles (inline against out-of-line migrate_disable, next
/// to the kernel's 113 → 147 M/s), and the multi-attach lookups as shares of the constant case (next to
/// the kernel's 77.7 / 83.7 / 89.7%). Written only for runs that measured such cells.
/// </summary>
public static class AttachmentReport
{
    public const string OpsChart = "overhead-vs-ops.svg";
    public const string ProgsChart = "overhead-vs-progs.svg";

    /// <summary>The multi-attach figures of the fentry_multi series (15 Jun 2025), as shares of fentry's rate.</summary>
    static readonly Dictionary<string, string> KernelLookupShare = new(StringComparer.Ordinal)
    {
        ["const"] = "100% (fentry)",
        ["hash"] = "77.7% (rhashtable)",
        ["padding"] = "83.7% (padding, lookup called); 89.7% (inlined)",
    };

    /// <summary>The charts this section refers to, by file name (empty when the run has none of its cells).</summary>
    public static IReadOnlyDictionary<string, string> Charts(RunSummary summary, string cpu)
    {
        var cells = AttachedCells.From(summary);
        var charts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (cells.OpsList.Select(AttachedCells.Ops).Distinct().Count() > 1)
            charts[OpsChart] = Reporting.Charts.OverheadVersusOps(cells, $"ftrace ops list: overhead vs registered ops (2 args) — {cpu}");
        if (cells.Direct.Select(AttachedCells.Progs).Distinct().Count() > 1)
            charts[ProgsChart] = Reporting.Charts.OverheadVersusProgs(cells, $"BPF trampoline: overhead vs programs (2 args) — {cpu}");
        return charts;
    }

    public static void Append(StringBuilder text, RunSummary summary, string slug)
    {
        var cells = AttachedCells.From(summary);
        if (!cells.Any)
            return;
        text.Append("### Between the trampoline and the program (2 args, empty handler, throughput)\n\n");
        foreach (string chart in Charts(summary, summary.Environment.Cpu).Keys)
            text.Append(Invariant($"![{Path.GetFileNameWithoutExtension(chart).Replace('-', ' ')}]({slug}/charts/{chart})\n"));
        text.Append('\n');
        OpsList(text, cells);
        Programs(text, cells);
        Profiles(text, cells);
        Lookups(text, cells);
    }

    static void OpsList(StringBuilder text, AttachedCells cells)
    {
        if (cells.OpsList.Count == 0)
            return;
        text.Append("ftrace's ops list against per-ops trampolines: overhead ns per call, median [95% CI] · hook instructions\n\n");
        text.Append("| K ops registered | M matching | ops-list | min-regs (per-ops trampoline) |\n|---:|---:|---:|---:|\n");
        foreach (var c in cells.OpsList)
        {
            text.Append(Invariant($"| {AttachedCells.Ops(c)} | {AttachedCells.Matching(c)} | {Cell(c)} | "));
            text.Append(cells.MinRegs is { } m ? Cell(m) : "–").Append(" |\n");
        }

        text.Append('\n');
    }

    static void Programs(StringBuilder text, AttachedCells cells)
    {
        var shapes = cells.Direct.GroupBy(c => (AttachedCells.Bpf(c), AttachedCells.Lookup(c))).Where(g => g.Count() > 1).ToList();
        if (shapes.Count == 0)
            return;
        var progs = shapes.SelectMany(g => g.Select(AttachedCells.Progs)).Distinct().Order().ToList();
        text.Append("One BPF trampoline calling P programs: overhead ns per call, median [95% CI] · hook instructions\n\n| P |");
        foreach (var shape in shapes)
            text.Append(Invariant($" {shape.Key.Item1}{(shape.Key.Item2 == "const" ? string.Empty : $", lookup={shape.Key.Item2}")} |"));
        text.Append("\n|---:|").Append(string.Concat(Enumerable.Repeat("---:|", shapes.Count))).Append('\n');
        foreach (int p in progs)
        {
            text.Append(Invariant($"| {p} |"));
            foreach (var shape in shapes)
                text.Append(' ').Append(shape.FirstOrDefault(c => AttachedCells.Progs(c) == p) is { } c ? Cell(c) : "–").Append(" |");
            text.Append('\n');
        }

        text.Append('\n');
    }

    static void Profiles(StringBuilder text, AttachedCells cells)
    {
        var rows = Bpf.BpfProfile.All.Select(p => cells.DirectCell(p.Name)).OfType<CellResult>().ToList();
        if (rows.Count < 2)
            return;
        text.Append("Enter/exit profiles, one program: time per hooked call (target and harness included), the rate it implies, and the hook's own cost\n\n");
        text.Append("| profile | ns per call | M calls/s | overhead ns | overhead cycles | hook instructions |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var c in rows)
        {
            text.Append(Invariant(
                $"| {AttachedCells.Bpf(c)} | {c.NsPerCall.Median:F2} | {AttachedCells.MillionsPerSecond(c):F1} | {c.OverheadNs.Median:F2} [{c.OverheadNs.CiLow:F2}; {c.OverheadNs.CiHigh:F2}] | {c.OverheadCycles:F1} | {c.HookInstructionsText} |\n"));
        }

        if (cells.DirectCell("bpf-6.17") is { } outOfLine && cells.DirectCell("bpf-6.18") is { } inline)
        {
            double ratio = outOfLine.NsPerCall.Median / inline.NsPerCall.Median;
            double kernel = AttachedCells.KernelInlineRate / AttachedCells.KernelOutOfLineRate;
            text.Append(Invariant(
                $"\nInlining migrate_disable (bpf-6.17 → bpf-6.18): {ratio:F2}× the rate here; the kernel's fentry trigger bench went {AttachedCells.KernelOutOfLineRate:F0} → {AttachedCells.KernelInlineRate:F0} M/s ({kernel:F2}×, 378b7708194f).\n"));
        }

        text.Append('\n');
    }

    static void Lookups(StringBuilder text, AttachedCells cells)
    {
        var profiles = cells.Direct.Where(c => AttachedCells.Lookup(c) != "const").Select(AttachedCells.Bpf).Distinct(StringComparer.Ordinal).ToList();
        foreach (string profile in profiles)
        {
            if (cells.DirectCell(profile) is not { } constant)
                continue;
            text.Append(Invariant($"Multi-attach lookups under {profile}, one program: the rate as a share of the per-function trampoline's (const)\n\n"));
            text.Append("| lookup | ns per call | M calls/s | share of const | kernel (fentry_multi) | hook instructions |\n|---|---:|---:|---:|---|---:|\n");
            foreach (string lookup in new[] { "const", "hash", "padding" })
            {
                if (cells.DirectCell(profile, lookup) is not { } c)
                    continue;
                double share = constant.NsPerCall.Median / c.NsPerCall.Median;
                text.Append(Invariant(
                    $"| {lookup} | {c.NsPerCall.Median:F2} | {AttachedCells.MillionsPerSecond(c):F1} | {share * 100:F1}% | {KernelLookupShare[lookup]} | {c.HookInstructionsText} |\n"));
            }

            text.Append('\n');
        }
    }

    static string Cell(CellResult c) =>
        Invariant($"{c.OverheadNs.Median:F2} [{c.OverheadNs.CiLow:F2}; {c.OverheadNs.CiHigh:F2}] · {c.HookInstructionsText}");

    static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
