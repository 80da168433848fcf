using System.Xml.Linq;
using HookBench.Reporting;
using HookBench.Results;
using HookBench.Tests.Results;
using Xunit;

namespace HookBench.Tests.Reporting;

public class ReportTests
{
    /// <summary>A published run of <paramref name="cpu"/> ("AMD EPYC": a Zen 4 VM; "Intel Xeon": Sapphire Rapids), 2 vCPUs under KVM.</summary>
    static RunSummary Machine(string cpu, double scale)
    {
        var sample = SummaryFilesTests.Sample(("none", 0.0), ("direct", 2.0 * scale), ("full-regs", 5.7 * scale));
        var cells = new List<CellResult>();
        foreach (var c in sample.Cells)
        for (int n = 0; n <= 6; n++)
            cells.Add(c with { Args = n, OverheadNs = c.OverheadNs with { Median = c.OverheadNs.Median + n * 0.01 } });
        var environment = cpu.StartsWith("Intel", StringComparison.Ordinal)
            ? sample.Environment with { CpuVendor = "Intel", CpuFamily = 6, CpuModel = 0x8F, CpuStepping = 8, Microarchitecture = "Sapphire Rapids (Golden Cove)", Microcode = "0x2b000620" }
            : sample.Environment with { CpuVendor = "AMD", CpuFamily = 25, CpuModel = 17, CpuStepping = 1, Microarchitecture = "Zen 4", Microcode = "0xa10113e" };
        return sample with { Environment = environment with { Cpu = cpu, LogicalCpus = 2 }, Cells = cells };
    }

    static PublishedMachine Published(string cpu, double scale)
    {
        var summary = Machine(cpu, scale);
        return new PublishedMachine(PublishedMachine.SlugFor(summary.Environment), summary);
    }

    [Fact]
    public void The_report_page_matches_its_golden_file()
    {
        var machines = new[] { Published("AMD EPYC", 1), Published("Intel Xeon", 1.3) };
        Assert.Equal(["amd-epyc-zen4-f25m17s1-kvm-2cpu", "intel-xeon-sapphirerapids-f6m143s8-kvm-2cpu"], machines.Select(m => m.Slug));
        GoldenFiles.AssertMatches("report.md", ReportBuilder.Render(machines, "HookBench results", "Test preamble."));
    }

    [Fact]
    public void Charts_are_well_formed_svg_with_a_line_per_strategy_and_a_bar_per_strategy()
    {
        var machine = Published("AMD EPYC", 1);
        var files = ReportBuilder.ChartFiles(machine);
        Assert.Equal(["amd-epyc-zen4-f25m17s1-kvm-2cpu/charts/overhead-at-2-args.svg", "amd-epyc-zen4-f25m17s1-kvm-2cpu/charts/overhead-vs-args.svg"], files.Keys.Order());
        foreach (var svg in files.Values)
        {
            var document = XDocument.Parse(svg);
            Assert.Equal("svg", document.Root!.Name.LocalName);
        }

        var lines = XDocument.Parse(files["amd-epyc-zen4-f25m17s1-kvm-2cpu/charts/overhead-vs-args.svg"]).Descendants().Count(e => e.Name.LocalName == "polyline");
        Assert.True(lines >= 3, $"{lines} polylines");
        Assert.Contains("full-regs", files["amd-epyc-zen4-f25m17s1-kvm-2cpu/charts/overhead-at-2-args.svg"], StringComparison.Ordinal);
    }

    /// <summary>A machine whose run also measured the footprint and caller sweeps.</summary>
    static RunSummary WithSweeps()
    {
        var machine = Machine("AMD EPYC", 1);
        var two = machine.Cells.Where(c => c.Args == 2).ToList();
        CellResult At(string strategy, double overhead, int functions = 1, string caller = "unrolled", string mode = "throughput") =>
            two.First(c => c.Strategy is "direct") with
            {
                Strategy = strategy, Functions = functions, Caller = caller, Mode = mode, HookCodeBytes = functions * 19 + 1,
                OverheadNs = new HookBench.Statistics.Estimate(overhead, overhead - 0.05, overhead + 0.05),
                Footprint = functions == 1 ? null : new FootprintResult
                {
                    Shape = strategy == "direct" ? "a trampoline per function" : "shared trampoline + lookup by ip",
                    CallsPerPass = functions, InstructionsPerPass = 18 * functions, BaselineInstructionsPerPass = 7 * functions, LookupDataBytes = 0,
                },
            };
        List<CellResult> sweeps =
        [
            At("direct", 2.0, 16), At("direct", 2.4, 4096), At("full-regs", 5.9, 16), At("full-regs", 6.1, 4096),
            At("direct", 2.5, caller: "rolled"), At("direct", 2.7, caller: "busy"), At("direct", 0.7, mode: "serialized"),
        ];
        return machine with { Cells = [.. machine.Cells, .. sweeps] };
    }

    [Fact]
    public void Sweeps_get_their_charts_and_sections_and_leave_the_plain_tables_alone()
    {
        var plain = new PublishedMachine("amd-epyc-kvm-2cpu", Machine("AMD EPYC", 1));
        var swept = new PublishedMachine("amd-epyc-kvm-2cpu", WithSweeps());
        Assert.Equal(2, ReportBuilder.ChartFiles(plain).Count);
        var files = ReportBuilder.ChartFiles(swept);
        Assert.Equal(["amd-epyc-kvm-2cpu/charts/overhead-at-2-args.svg", "amd-epyc-kvm-2cpu/charts/overhead-by-caller.svg",
            "amd-epyc-kvm-2cpu/charts/overhead-vs-args.svg", "amd-epyc-kvm-2cpu/charts/overhead-vs-functions.svg"], files.Keys.Order());
        var legend = XDocument.Parse(files["amd-epyc-kvm-2cpu/charts/overhead-vs-functions.svg"]).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value);
        Assert.Contains("full-regs", legend);
        Assert.Contains("direct", legend);
        foreach (string tick in new[] { ">1<", ">16<", ">256<", ">4096<" })
            Assert.Contains(tick, files["amd-epyc-kvm-2cpu/charts/overhead-vs-functions.svg"], StringComparison.Ordinal);
        Assert.Contains(">busy<", files["amd-epyc-kvm-2cpu/charts/overhead-by-caller.svg"], StringComparison.Ordinal);

        string page = ReportBuilder.Render([swept], "t", null);
        string plainPage = ReportBuilder.Render([plain], "t", null);
        Assert.StartsWith(plainPage.Split("- Run:")[0], page, StringComparison.Ordinal);
        // The args table holds only the plain cells; the serialized cell added above is a plain cell and joins the modes table.
        Assert.Equal(plainPage.Split("### Overhead by strategy")[1].Split("### At 2 arguments")[0], page.Split("### Overhead by strategy")[1].Split("### At 2 arguments")[0]);
        Assert.Contains("| strategy | shape | 1 | 16 | 4096 |", page, StringComparison.Ordinal);
        Assert.Contains("| direct | a trampoline per function | 2.02 [1.90; 2.10] · 8.0 | 2.00 [1.95; 2.05] · 8.0 | 2.40 [2.35; 2.45] · 8.0 |", page, StringComparison.Ordinal);
        Assert.Contains("| direct | – · 11 · – | 305 B · 11 · – | 77,825 B · 11 · – |", page, StringComparison.Ordinal);
        Assert.Contains("A trampoline per function (direct) against one shared trampoline with its lookup (full-regs), by hooked functions: 1: 2.02 vs 5.72 ns, direct ahead; 16: 2.00 vs 5.90 ns, direct ahead; 4096: 2.40 vs 6.10 ns, direct ahead.", page, StringComparison.Ordinal);
        Assert.Contains("| strategy | unrolled | rolled | busy | serialized |", page, StringComparison.Ordinal);
        Assert.Contains("| direct | 2.02 [1.90; 2.10] · 8.0 | 2.50 [2.45; 2.55] · 8.0 | 2.70 [2.65; 2.75] · 8.0 | 0.70 [0.65; 0.75] · 8.0 |", page, StringComparison.Ordinal);
        Assert.DoesNotContain("The caller's own instructions", page, StringComparison.Ordinal);       // none recorded in this sample
    }

    /// <summary>A run with the attached cells of issue 10 at 2 args: ops-list over K, direct over P, profiles and lookups.</summary>
    static RunSummary Attached()
    {
        var machine = Machine("AMD EPYC", 1);
        var template = machine.Cells.First(c => c.Strategy == "direct" && c.Args == 2);
        CellResult Cell(string strategy, double ns, int instructions, int? ops = null, decimal? match = null, int? progs = null, string? bpf = null, string? lookup = null) =>
            template with
            {
                Strategy = strategy, Ops = ops, Match = match, Progs = progs, Bpf = bpf, Lookup = lookup, HookInstructions = instructions,
                OverheadNs = template.OverheadNs with { Median = ns, CiLow = ns - 0.1, CiHigh = ns + 0.1 },
                NsPerCall = template.NsPerCall with { Median = ns + 1 },
            };
        List<CellResult> cells = [.. machine.Cells, Cell("min-regs", 3, 37)];
        foreach (int k in new[] { 1, 2, 4, 8 })
        {
            cells.Add(Cell("ops-list", 5 + k, 100 + 57 * k, k, 1));
            if (k > 1)
                cells.Add(Cell("ops-list", 5 + 0.5 * k, 100 + 41 * k, k, 1m / k));
        }

        foreach (int p in new[] { 1, 2, 4 })
        {
            cells.Add(Cell("direct", 2 * p, 3 * p, progs: p, bpf: "bpf-2019", lookup: "const"));
            cells.Add(Cell("direct", 7 * p, 73 * p, progs: p, bpf: "bpf-6.18", lookup: "const"));
        }

        cells.Add(Cell("direct", 9, 83, progs: 1, bpf: "bpf-6.17", lookup: "const"));
        cells.Add(Cell("direct", 8, 90, progs: 1, bpf: "bpf-6.18", lookup: "hash"));
        cells.Add(Cell("direct", 7.5, 80, progs: 1, bpf: "bpf-6.18", lookup: "padding"));
        return machine with { Cells = cells };
    }

    [Fact]
    public void The_attached_section_reports_k_p_profiles_and_lookups_and_leaves_the_thread_tables_alone()
    {
        var page = ReportBuilder.Render([new PublishedMachine("amd-epyc-kvm-2cpu", Attached())], "HookBench results", null);
        Assert.Contains("### Between the trampoline and the program", page, StringComparison.Ordinal);
        Assert.Contains("| 8 | 1 | 9.00 [8.90; 9.10] · 428 | 3.00 [2.90; 3.10] · 37 |", page, StringComparison.Ordinal);
        Assert.Contains("| 4 | 8.00 [7.90; 8.10] · 12 | 28.00 [27.90; 28.10] · 292 |", page, StringComparison.Ordinal);
        Assert.Contains("Inlining migrate_disable (bpf-6.17 → bpf-6.18): 1.25× the rate here; the kernel's fentry trigger bench went 113 → 147 M/s (1.30×", page, StringComparison.Ordinal);
        Assert.Contains("| hash | 9.00 | 111.1 | 88.9% | 77.7% (rhashtable) | 90 |", page, StringComparison.Ordinal);
        // The two per-strategy tables still have one direct row each: the thread's own.
        Assert.Equal(2, page.Split('\n').Count(l => l.StartsWith("| direct |", StringComparison.Ordinal)));
        var charts = ReportBuilder.ChartFiles(new PublishedMachine("amd-epyc-kvm-2cpu", Attached()));
        Assert.Contains("amd-epyc-kvm-2cpu/charts/overhead-vs-ops.svg", charts.Keys);
        Assert.Contains("amd-epyc-kvm-2cpu/charts/overhead-vs-progs.svg", charts.Keys);
        var ops = XDocument.Parse(charts["amd-epyc-kvm-2cpu/charts/overhead-vs-ops.svg"]);
        Assert.True(ops.Descendants().Count(e => e.Name.LocalName == "polyline") >= 3);
        Assert.Contains("one of the K matches", charts["amd-epyc-kvm-2cpu/charts/overhead-vs-ops.svg"], StringComparison.Ordinal);
    }

    [Fact]
    public void Two_results_from_one_machine_are_refused()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hookbench-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (string name in new[] { "a", "b" })
            {
                Directory.CreateDirectory(Path.Combine(dir, name));
                File.WriteAllText(Path.Combine(dir, name, "summary.json"), SummaryJson.Serialize(Machine("AMD EPYC", 1)));
            }

            var error = Assert.Throws<UsageException>(() => PublishedMachine.Load([Path.Combine(dir, "a"), Path.Combine(dir, "b")]));
            Assert.Contains("both from machine amd-epyc-zen4-f25m17s1-kvm-2cpu", error.Message);
            Assert.Throws<UsageException>(() => PublishedMachine.Load([Path.Combine(dir, "missing")]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Profiles_get_their_own_table_and_chart_and_stay_out_of_the_others()
    {
        var plain = Machine("AMD EPYC", 1);
        var profiled = plain.Cells.Where(c => c.Args == 2)
            .Select(c => c with { Profile = "srso", OverheadNs = c.OverheadNs with { Median = c.OverheadNs.Median * 2, CiLow = c.OverheadNs.CiLow * 2, CiHigh = c.OverheadNs.CiHigh * 2 } });
        var summary = plain with
        {
            Cells = [.. plain.Cells, .. profiled],
            Environment = plain.Environment with { HostProfile = new HostProfileReading("retpoline thunk, srso return thunk", ["spectre_v2: ..."]) },
        };
        var machine = new PublishedMachine("amd-epyc-kvm-2cpu", summary);
        string page = ReportBuilder.Render([machine], "HookBench results", null);
        string plainPage = ReportBuilder.Render([new PublishedMachine("amd-epyc-kvm-2cpu", plain)], "HookBench results", null);
        const string Tables = "### Overhead by strategy", Mitigations = "### What mitigations cost a hook";
        // The existing tables show the unmitigated cells only: the same as without the profiled ones.
        Assert.Equal(plainPage[plainPage.IndexOf(Tables, StringComparison.Ordinal)..].TrimEnd(),
            page[page.IndexOf(Tables, StringComparison.Ordinal)..page.IndexOf(Mitigations, StringComparison.Ordinal)].TrimEnd());
        Assert.Contains("### What mitigations cost a hook", page, StringComparison.Ordinal);
        Assert.Contains("| strategy | none | srso |", page, StringComparison.Ordinal);
        Assert.Contains("· ×2.00 |", page, StringComparison.Ordinal);
        Assert.Contains("Profile `host` here: retpoline thunk, srso return thunk.", page, StringComparison.Ordinal);
        Assert.Contains("amd-epyc-kvm-2cpu/charts/mitigations-at-2-args.svg", ReportBuilder.ChartFiles(machine).Keys);
        Assert.DoesNotContain("amd-epyc-kvm-2cpu/charts/mitigations-at-2-args.svg", ReportBuilder.ChartFiles(new PublishedMachine("x", plain)).Keys.Select(k => k.Replace("x/", "amd-epyc-kvm-2cpu/", StringComparison.Ordinal)));
        Assert.Equal("svg", XDocument.Parse(ReportBuilder.ChartFiles(machine)["amd-epyc-kvm-2cpu/charts/mitigations-at-2-args.svg"]).Root!.Name.LocalName);
    }

    static CellResult KernelCell(CellResult like, string strategy, string bpf, double overhead, string site) => like with
    {
        Strategy = strategy, Args = 2, BpfProgram = bpf, InstructionsPerCall = null, HookInstructions = null,
        OverheadNs = new HookBench.Statistics.Estimate(overhead, overhead - 5, overhead + 5),
        Kernel = new KernelProbeResult
        {
            Probe = strategy == "uretprobe" ? "uretprobe" : "uprobe", ProbedInstruction = "nop5 (0F 1F 44 00 00) at the site", KernelPath = "test",
            FirstHitOverheadNs = new HookBench.Statistics.Estimate(40000, 38000, 45000), FirstHitSamplesNs = [38000, 40000, 45000],
            SiteAfterFirstHit = site, CallsMade = 1000, BpfCountedCalls = bpf == "counter" ? 1000 : null,
        },
    };

    [Fact]
    public void Kernel_probes_get_the_ladder_table_and_a_log_chart_and_stay_out_of_the_other_tables()
    {
        var plain = Machine("AMD EPYC", 1);
        var like = plain.Cells.First(c => c.Args == 2 && c.Strategy == "direct");   // overhead 2.02 [1.9; 2.1]
        var kernel = new[]
        {
            KernelCell(like, "uprobe-nop5", "none", 447, "call [uprobes-trampoline] (optimized)"),
            KernelCell(like, "uprobe-nop5", "counter", 374, "call [uprobes-trampoline] (optimized)"),
            KernelCell(like, "uprobe-sstep", "empty", 9271, "int3"),
        };
        var counter = like with { Handler = "counter", OverheadNs = like.OverheadNs with { Median = 2.5 } };
        var summary = plain with
        {
            Cells = [.. plain.Cells, counter, .. kernel],
            Environment = plain.Environment with { UprobePaths = new HookBench.Uprobes.KernelSymbols(true, true, true) },
        };
        var machine = new PublishedMachine("amd-epyc-kvm-2cpu", summary);
        string page = ReportBuilder.Render([machine], "HookBench results", null);
        const string Tables = "### Overhead by strategy", Ladder = "### The ladder";
        Assert.DoesNotContain("uprobe", page[page.IndexOf(Tables, StringComparison.Ordinal)..page.IndexOf(Ladder, StringComparison.Ordinal)], StringComparison.Ordinal);

        string ladder = page[page.IndexOf(Ladder, StringComparison.Ordinal)..];
        Assert.Contains("uretprobe syscall (6.11) present, nop5 optimization (6.18) present", ladder, StringComparison.Ordinal);
        Assert.Contains("| direct | – | 2.0 [1.9; 2.1] | 2.5 [1.9; 2.1] | – | – |", ladder, StringComparison.Ordinal);
        Assert.Contains("| uprobe-nop5 | 447.0 [442.0; 452.0] | – | 374.0 [369.0; 379.0] | 40000 | call [uprobes-trampoline] (optimized) |", ladder, StringComparison.Ordinal);
        Assert.Contains("| uprobe-sstep | – | 9271.0 [9266.0; 9276.0] | – | 40000 | int3 |", ladder, StringComparison.Ordinal);
        Assert.DoesNotContain("uprobe-trap", ladder, StringComparison.Ordinal);   // no cell of it ran
        Assert.True(ladder.IndexOf("| direct |", StringComparison.Ordinal) < ladder.IndexOf("| uprobe-nop5 |", StringComparison.Ordinal));

        var chart = ReportBuilder.ChartFiles(machine)["amd-epyc-kvm-2cpu/charts/ladder-log.svg"];
        Assert.Equal("svg", XDocument.Parse(chart).Root!.Name.LocalName);
        Assert.Contains("log scale", chart, StringComparison.Ordinal);
        Assert.Contains("uprobe-sstep", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("amd-epyc-kvm-2cpu/charts/ladder-log.svg", ReportBuilder.ChartFiles(new PublishedMachine("amd-epyc-kvm-2cpu", plain)).Keys);
    }
}
