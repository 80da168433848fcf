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
}
