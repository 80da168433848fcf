using System.Globalization;
using System.Text;
using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>
/// The published results page: per machine, overhead by strategy × args (median, 95% CI, ns and core
/// cycles), instructions, × baseline and the environment; then one table across machines. Charts are
/// referenced as <c>&lt;slug&gt;/charts/*.svg</c> relative to the page.
/// </summary>
public static partial class ReportBuilder
{
    public const string ArgsChart = "overhead-vs-args.svg";
    public const string BarChart = "overhead-at-2-args.svg";
    public const string MitigationsChart = "mitigations-at-2-args.svg";
    public const string LadderChart = "ladder-log.svg";

    /// <summary>The chart files for a machine, by path relative to the page (the mitigations chart when the run measured profiles).</summary>
    public static IReadOnlyDictionary<string, string> ChartFiles(PublishedMachine machine)
    {
        var files = new Dictionary<string, string>
        {
            [$"{machine.Slug}/charts/{ArgsChart}"] = Charts.OverheadVersusArgs(machine.Summary, $"Hook overhead vs arguments — {machine.Summary.Environment.Cpu}"),
            [$"{machine.Slug}/charts/{BarChart}"] = Charts.OverheadAtTwoArgs(machine.Summary, $"Hook overhead at 2 arguments — {machine.Summary.Environment.Cpu}"),
        };
        if (HasProfiles(machine.Summary))
            files[$"{machine.Slug}/charts/{MitigationsChart}"] = Charts.MitigationsAtTwoArgs(machine.Summary, $"What mitigations cost a hook, 2 arguments — {machine.Summary.Environment.Cpu}");
        if (Ladder.HasKernelRungs(machine.Summary))
            files[$"{machine.Slug}/charts/{LadderChart}"] = Charts.Ladder(machine.Summary, $"From a direct call to the kernel's probes, 2 arguments (log scale) — {machine.Summary.Environment.Cpu}");
        AddSweepCharts(files, machine);
        foreach (var (name, svg) in AttachmentReport.Charts(PlainCells(machine.Summary), machine.Summary.Environment.Cpu))
            files[$"{machine.Slug}/charts/{name}"] = svg;
        return files;
    }

    /// <summary>
    /// The thread's cells: its strategies with one handler each, compiled without mitigations, of one hot
    /// function called from the unrolled loop. What every table and chart but the mitigations, attachment,
    /// sweep and ladder ones shows: kernel probes cost hundreds of times more and have their own table and
    /// log-scale chart.
    /// </summary>
    public static IEnumerable<CellResult> ThreadCells(RunSummary summary) =>
        PlainCells(summary).Cells.Where(c => c.Profile == "none" && c.AttachSuffix.Length == 0 && c.Kernel is null);

    /// <summary>
    /// The 2-argument, empty-handler, throughput cells (one function, unrolled caller) the mitigations table and
    /// chart compare, one row per <see cref="CellResult.Variant"/>: every single-handler cell, and the attached
    /// shapes the run measured under a profile.
    /// </summary>
    public static IEnumerable<CellResult> MitigationCells(RunSummary summary)
    {
        var cells = PlainCells(summary).Cells.Where(c => c.Args == 2 && c.Handler == "empty" && c.Mode == "throughput" && c.Kernel is null).ToList();
        var mitigatedShapes = cells.Where(c => c.Profile != "none").Select(c => c.Variant).ToHashSet(StringComparer.Ordinal);
        return cells.Where(c => c.AttachSuffix.Length == 0 || mitigatedShapes.Contains(c.Variant));
    }

    static bool HasProfiles(RunSummary summary) => MitigationCells(summary).Any(c => c.Profile != "none");

    public const string Title = "HookBench results";

    public const string Preamble = """
        Every figure on this page comes from `./run-bench.sh publish` on the machine it names; regenerate a
        machine's section by running that command there, and this page with `./run-bench.sh report results/*/ --out results`.
        Overheads are the Hodges–Lehmann shift of hooked over unhooked calls through the native timing loop,
        with 95% distribution-free intervals; cycles are core cycles at the calibrated core clock, not TSC
        ticks. Each machine folder also holds the BenchmarkDotNet tables (`bdn/results/`) and the disassembly
        of every strategy at 2 arguments as it was measured (`disasm/`). Local runs of `./run-bench.sh` go to
        `runs/` (git-ignored). See the project README for method and caveats.
        """;

    public static string Render(IReadOnlyList<PublishedMachine> machines, string title = Title, string? preamble = Preamble)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(title).Append("\n\n");
        if (preamble is not null)
            text.Append(preamble.TrimEnd()).Append("\n\n");
        if (machines.Count > 1)
            CrossMachine(text, machines);
        foreach (var machine in machines)
            Machine(text, machine);
        return text.ToString();
    }

    static void CrossMachine(StringBuilder text, IReadOnlyList<PublishedMachine> machines)
    {
        text.Append("## Across machines: overhead at 2 arguments (empty handler, throughput)\n\n");
        text.Append("ns per call (core cycles)\n\n| strategy |");
        foreach (var m in machines)
            text.Append(' ').Append(m.Slug).Append(" |");
        text.Append("\n|---|").Append(string.Concat(Enumerable.Repeat("---:|", machines.Count))).Append('\n');
        foreach (string strategy in machines.SelectMany(m => ThreadCells(m.Summary).Select(c => c.Strategy)).Distinct())
        {
            text.Append("| ").Append(strategy).Append(" |");
            foreach (var m in machines)
            {
                var cell = ThreadCells(m.Summary).FirstOrDefault(c => c.Strategy == strategy && c.Args == 2 && c.Handler == "empty" && c.Mode == "throughput");
                text.Append(cell is null ? " – |" : Invariant($" {cell.OverheadNs.Median:F2} ({cell.OverheadCycles:F1}) |"));
            }

            text.Append('\n');
        }

        text.Append('\n');
    }

    static void Machine(StringBuilder text, PublishedMachine machine)
    {
        var summary = PlainCells(machine.Summary);
        var e = summary.Environment;
        text.Append("## ").Append(machine.Slug).Append("\n\n");
        text.Append("- CPU: ").Append(e.DescribeCpu()).Append('\n');
        text.Append(Invariant($"- OS: {e.Os}; kernel {e.Kernel}; hypervisor: {e.Hypervisor ?? "none (bare metal)"}; {e.Runtime}\n"));
        text.Append("- Clocks: ").Append(SummaryMarkdown.ClockLine(summary)).Append('\n');
        text.Append("- ").Append(SummaryMarkdown.PrecisionLine(machine.Summary)).Append('\n');
        var all = machine.Summary.Cells;
        text.Append(Invariant($"- Run: {summary.Run.StartedUtc}, {all.Count} cells, {all.Sum(c => c.Reps)} repetitions ({all.Sum(c => c.DiscardedReps)} discarded for runtime interference), {summary.Run.WallSeconds:F1} s\n"));
        if (e.Mitigations.Count > 0)
        {
            text.Append("\n<details><summary>CPU vulnerability mitigations (the kernel's words)</summary>\n\n");
            foreach (var (name, state) in e.Mitigations)
                text.Append(Invariant($"- `{name}`: {state}\n"));
            text.Append("\n</details>\n");
        }

        text.Append(Invariant($"\n![overhead vs arguments]({machine.Slug}/charts/{ArgsChart})\n![overhead at 2 arguments]({machine.Slug}/charts/{BarChart})\n\n"));

        text.Append("### Overhead by strategy and argument count (empty handler, throughput)\n\n");
        text.Append("ns per call, median [95% CI] · core cycles\n\n| strategy |");
        for (int n = 0; n <= 6; n++)
            text.Append(Invariant($" {n} args |"));
        text.Append(" hook instructions (2 args) | × baseline (2 args) |\n|---|");
        text.Append(string.Concat(Enumerable.Repeat("---:|", 9))).Append('\n');
        foreach (var group in ThreadCells(summary).Where(c => c.Handler == "empty" && c.Mode == "throughput").GroupBy(c => c.Strategy))
        {
            text.Append("| ").Append(group.Key).Append(" |");
            for (int n = 0; n <= 6; n++)
            {
                var cell = group.FirstOrDefault(c => c.Args == n);
                text.Append(cell is null ? " – |" : Invariant($" {cell.OverheadText} · {cell.OverheadCycles:F1} |"));
            }

            var two = group.FirstOrDefault(c => c.Args == 2);
            text.Append(two is null ? " – | – |\n" : Invariant($" {two.HookInstructionsText} | {two.Ratio:F2} |\n"));
        }

        text.Append("\n### At 2 arguments: handlers and modes\n\n");
        text.Append("overhead ns per call, median [95% CI] · core cycles\n\n| strategy | empty | counter | args | empty, latency | empty, serialized |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var group in ThreadCells(summary).Where(c => c.Args == 2).GroupBy(c => c.Strategy))
        {
            text.Append("| ").Append(group.Key).Append(" |");
            foreach (var (handler, mode) in new[] { ("empty", "throughput"), ("counter", "throughput"), ("args", "throughput"), ("empty", "latency"), ("empty", "serialized") })
            {
                var cell = group.FirstOrDefault(c => c.Handler == handler && c.Mode == mode);
                text.Append(cell is null ? " – |" : Invariant($" {cell.OverheadText} · {cell.OverheadCycles:F1} |"));
            }

            text.Append('\n');
        }

        text.Append('\n');
        if (HasProfiles(summary))
            Mitigations(text, machine);
        Sweeps(text, machine);
        AttachmentReport.Append(text, PlainCells(machine.Summary), machine.Slug);
        if (Ladder.HasKernelRungs(summary))
            LadderTable(text, machine);
    }

    /// <summary>
    /// The ladder: each rung's overhead with nothing, an empty program and a counter attached, its first hit,
    /// and what the site became; then the log-scale chart.
    /// </summary>
    static void LadderTable(StringBuilder text, PublishedMachine machine)
    {
        var summary = machine.Summary;
        text.Append("### The ladder: from a direct call to the kernel's probes (2 arguments, throughput)\n\n");
        if (summary.Environment.UprobePaths is { } paths)
        {
            string uretprobe = paths.UretprobeSyscall ? "present" : "absent", nop5 = paths.Nop5Optimization ? "present" : "absent";
            text.Append(Invariant($"Kernel {summary.Environment.Kernel}: uretprobe syscall (6.11) {uretprobe}, nop5 optimization (6.18) {nop5}.\n\n"));
        }

        text.Append("overhead ns per call, median [95% CI]. Emitted rungs run the empty or the counter handler; kernel rungs run the probe alone (a perf event), ");
        text.Append("the empty BPF program or the counter program (its count checked equal to the calls made). First hit: the first call after the probe went on, ");
        text.Append("less an unprobed call, median of fresh probes.\n\n");
        text.Append("| rung | probe alone | empty handler / program | counter handler / program | first hit ns | site after first hit |\n|---|---:|---:|---:|---:|---|\n");
        foreach (var rung in Ladder.Rungs(summary))
        {
            text.Append("| ").Append(rung.Name).Append(" |");
            foreach (var cell in new[] { rung.Alone, rung.Empty, rung.Counter })
                text.Append(cell is null ? " – |" : $" {cell.OverheadNs.Format("F1")} |");
            var kernel = rung.Kernel;
            text.Append(kernel is null ? " – | – |\n" : Invariant($" {kernel.FirstHitOverheadNs.Median:F0} | {kernel.SiteAfterFirstHit} |\n"));
        }

        text.Append(Invariant($"\n![the ladder, log scale]({machine.Slug}/charts/{LadderChart})\n\n"));
    }

    /// <summary>
    /// Every strategy at 2 arguments under every profile the run measured: the overhead with its interval, and
    /// its ratio to the same strategy's overhead without mitigations.
    /// </summary>
    static void Mitigations(StringBuilder text, PublishedMachine machine)
    {
        var summary = machine.Summary;
        var cells = MitigationCells(summary).ToList();
        var profiles = cells.Select(c => c.Profile).Distinct().ToList();
        text.Append("### What mitigations cost a hook (2 arguments, empty handler, throughput)\n\n");
        if (summary.Environment.HostProfile is { } host)
            text.Append(Invariant($"Profile `host` here: {host.Knobs}.\n\n"));
        text.Append("overhead ns per call, median [95% CI] · × the strategy's overhead under `none`\n\n| strategy |");
        foreach (string profile in profiles)
            text.Append(' ').Append(profile).Append(" |");
        text.Append("\n|---|").Append(string.Concat(Enumerable.Repeat("---:|", profiles.Count))).Append('\n');
        foreach (var group in cells.GroupBy(c => c.Variant))
        {
            var none = group.FirstOrDefault(c => c.Profile == "none");
            text.Append("| ").Append(group.Key).Append(" |");
            foreach (string profile in profiles)
            {
                var cell = group.FirstOrDefault(c => c.Profile == profile);
                string ratio = cell is null || none is null || Math.Abs(none.OverheadNs.Median) < 0.05 ? string.Empty
                    : Invariant($" · ×{cell.OverheadNs.Median / none.OverheadNs.Median:F2}");
                text.Append(cell is null ? " – |" : Invariant($" {cell.OverheadNs.Median:F2} [{cell.OverheadNs.CiLow:F2}; {cell.OverheadNs.CiHigh:F2}]{ratio} |"));
            }

            text.Append('\n');
        }

        text.Append(Invariant($"\n![what mitigations cost a hook]({machine.Slug}/charts/{MitigationsChart})\n\n"));
    }

    static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
