using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>
/// The cells of a run that say what sits between the trampoline and the program, as the report reads
/// them: at 2 arguments, the empty handler, throughput, without mitigations (the mitigations table shows the
/// shapes measured under a profile). ops-list by K and matching ops; direct by
/// programs, profile and lookup (the axes' defaults filled in for cells written without them).
/// </summary>
public sealed class AttachedCells
{
    /// <summary>The kernel's fentry trigger-bench rates before and after 378b7708194f (M/s, cover letter of the series).</summary>
    public const double KernelOutOfLineRate = 113, KernelInlineRate = 147;

    AttachedCells(IReadOnlyList<CellResult> cells) => _cells = cells;

    readonly IReadOnlyList<CellResult> _cells;

    public static AttachedCells From(RunSummary summary) =>
        new([.. summary.Cells.Where(c => c.Args == 2 && c.Handler == "empty" && c.Mode == "throughput" && c.Profile == "none")]);

    /// <summary>Whether the run measured anything beyond the thread's single handler.</summary>
    public bool Any => _cells.Any(c => c.AttachSuffix.Length > 0);

    public static int Ops(CellResult c) => c.Ops ?? 1;

    public static int Matching(CellResult c) => (int)(Ops(c) * (c.Match ?? 1));

    public static int Progs(CellResult c) => c.Progs ?? 1;

    public static string Bpf(CellResult c) => c.Bpf ?? "bpf-2019";

    public static string Lookup(CellResult c) => c.Lookup ?? "const";

    /// <summary>ops-list cells by K, with which of them match.</summary>
    public IReadOnlyList<CellResult> OpsList => [.. _cells.Where(c => c.Strategy == "ops-list").OrderBy(Ops).ThenBy(Matching)];

    /// <summary>The per-ops trampoline the list is compared with.</summary>
    public CellResult? MinRegs => _cells.FirstOrDefault(c => c.Strategy == "min-regs");

    /// <summary>direct cells (the BPF trampoline) in every shape measured.</summary>
    public IReadOnlyList<CellResult> Direct => [.. _cells.Where(c => c.Strategy == "direct").OrderBy(Bpf, StringComparer.Ordinal).ThenBy(Lookup, StringComparer.Ordinal).ThenBy(Progs)];

    /// <summary>One direct cell, if measured.</summary>
    public CellResult? DirectCell(string bpf, string lookup = "const", int progs = 1) =>
        Direct.FirstOrDefault(c => Bpf(c) == bpf && Lookup(c) == lookup && Progs(c) == progs);

    /// <summary>Calls per second implied by a cell's time per hooked call, in millions (what the trigger bench reports).</summary>
    public static double MillionsPerSecond(CellResult c) => 1000 / c.NsPerCall.Median;
}
