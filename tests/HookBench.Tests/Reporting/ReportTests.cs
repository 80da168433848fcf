using System.Xml.Linq;
using HookBench.Reporting;
using HookBench.Results;
using HookBench.Tests.Results;
using Xunit;

namespace HookBench.Tests.Reporting;

public class ReportTests
{
    static RunSummary Machine(string cpu, double scale)
    {
        var sample = SummaryFilesTests.Sample(("none", 0.0), ("direct", 2.0 * scale), ("full-regs", 5.7 * scale));
        var cells = new List<CellResult>();
        foreach (var c in sample.Cells)
        for (int n = 0; n <= 6; n++)
            cells.Add(c with { Args = n, OverheadNs = c.OverheadNs with { Median = c.OverheadNs.Median + n * 0.01 } });
        return sample with { Environment = sample.Environment with { Cpu = cpu, LogicalCpus = 2 }, Cells = cells };
    }

    [Fact]
    public void Machine_slugs_name_the_cpu_hypervisor_and_cpu_count()
    {
        Assert.Equal("amd-epyc-kvm-2cpu", PublishedMachine.SlugFor(Machine("AMD EPYC", 1).Environment));
        Assert.Equal("intel-r-xeon-r-gold-6338-metal", PublishedMachine.SlugFor(Machine("Intel(R) Xeon(R) Gold 6338", 1).Environment with { Hypervisor = null, LogicalCpus = null }));
    }

    [Fact]
    public void The_report_page_matches_its_golden_file()
    {
        var machines = new[] { new PublishedMachine("amd-epyc-kvm-2cpu", Machine("AMD EPYC", 1)), new PublishedMachine("intel-xeon-kvm-2cpu", Machine("Intel Xeon", 1.3)) };
        GoldenFiles.AssertMatches("report.md", ReportBuilder.Render(machines, "HookBench results", "Test preamble."));
    }

    [Fact]
    public void Charts_are_well_formed_svg_with_a_line_per_strategy_and_a_bar_per_strategy()
    {
        var machine = new PublishedMachine("amd-epyc-kvm-2cpu", Machine("AMD EPYC", 1));
        var files = ReportBuilder.ChartFiles(machine);
        Assert.Equal(["amd-epyc-kvm-2cpu/charts/overhead-at-2-args.svg", "amd-epyc-kvm-2cpu/charts/overhead-vs-args.svg"], files.Keys.Order());
        foreach (var svg in files.Values)
        {
            var document = XDocument.Parse(svg);
            Assert.Equal("svg", document.Root!.Name.LocalName);
        }

        var lines = XDocument.Parse(files["amd-epyc-kvm-2cpu/charts/overhead-vs-args.svg"]).Descendants().Count(e => e.Name.LocalName == "polyline");
        Assert.True(lines >= 3, $"{lines} polylines");
        Assert.Contains("full-regs", files["amd-epyc-kvm-2cpu/charts/overhead-at-2-args.svg"], StringComparison.Ordinal);
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
            Assert.Contains("both from machine amd-epyc-kvm-2cpu", error.Message);
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
