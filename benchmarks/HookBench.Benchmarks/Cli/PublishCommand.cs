using System.CommandLine;
using BenchmarkDotNet.Running;
using HookBench.Abi;
using HookBench.Cli.Bdn;
using HookBench.Disassembly;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Machine;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Reporting;
using HookBench.Results;
using HookBench.Strategies;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench publish</c>: the quick matrix, every strategy at 2 arguments under every mitigation profile, the
/// footprint and caller sweeps and the ladder from a direct call to the kernel's probes (<see cref="RunPlan.Publish"/>;
/// kernel probes are skipped with one line where the kernel refuses), and the BenchmarkDotNet publish config on this
/// machine, written to results/&lt;machine&gt;/ with charts and the disassembly that produced them (the thunks and the
/// probed targets included); then results/README.md is regenerated from every machine folder.
/// </summary>
public static class PublishCommand
{
    /// <summary>Listings are relocated to this base so that a re-run changes a listing only when the code changed.</summary>
    public const ulong ListingBase = 0x1000_0000;

    public static Command Create(TextWriter output)
    {
        var resultsDir = new Option<string>("--results") { Description = "The results folder to publish into (default: the repository's results/)" };
        var skipBdn = new Option<bool>("--skip-bdn") { Description = "Publish the native quick matrix only (minutes faster)" };
        var command = new Command("publish", "Measure this machine and publish results/<machine>/ and results/README.md.") { resultsDir, skipBdn };
        command.SetAction(parse =>
        {
            string results = parse.GetValue(resultsDir) ?? Path.Combine(ResultsFolders.RepositoryRoot(), "results");
            bool bdn = !parse.GetValue(skipBdn);

            // Everything checkable is checked before minutes of measuring: the folder and every name this
            // machine's files take in it, and the other machines' summaries the page is rebuilt from.
            var host = MachineInfo.Collect();
            string slug = PublishedMachine.SlugFor(host);
            OutputPaths.CheckFolder(results, "--results", [ReportCommand.Page]);
            var others = OtherMachines(results, slug);
            var listings = Listings(slug);
            OutputPaths.CheckFolder(results, "--results", [.. PlannedFiles(slug, others), .. listings.Keys], folders: bdn ? [$"{slug}/bdn"] : null);
            var console = Consoles.For(output);

            RunSummary summary = null!;
            console.Status().Start("quick, mitigations, footprint, caller and ladder matrices", ctx =>
            {
                using var monitor = new EventPipeInterferenceMonitor();
                string last = string.Empty;
                summary = RunEngine.Execute(RunPlan.Publish(), new MeasurementSettings { RunBudget = MeasurementSettings.PublishBudget }, monitor, p =>
                {
                    if (p.Stage != last)
                        ctx.Status(Markup.Escape($"publish matrix: {last = p.Stage}"));
                }, "hookbench publish");
            });
            foreach (string line in SkippedCell.Lines(summary.Skipped))
                console.MarkupLineInterpolated($"[yellow]{line}[/]");
            var machine = new PublishedMachine(PublishedMachine.SlugFor(summary.Environment), summary);
            if (machine.Slug != slug)
                throw new InvalidOperationException($"the machine's slug changed while measuring ({slug} → {machine.Slug})");
            ResultsTable.Write(console, summary);

            string machineDir = Path.Combine(results, slug);
            if (bdn)
            {
                console.MarkupLine("BenchmarkDotNet publish config, standard matrix (its log follows)");
                string bdnDir = Path.Combine(machineDir, "bdn");
                var config = BdnConfigs.Create(BdnProfile.Publish, BdnMatrix.Standard, bdnDir, summary.Environment.CoreHzEstimate);
                string launches = BdnConfigs.LaunchDirectory(bdnDir);
                BdnOverheads.Reset(launches);
                var bdnSummary = BenchmarkRunner.Run<HookBenchmarks>(config);
                BdnOverheads.Publish(launches, bdnSummary.ResultsDirectoryPath);
                BdnOverheads.Reset(launches);     // collected into results/hookbench-launches.json
                foreach (string log in Directory.EnumerateFiles(bdnDir, "*.log"))
                    File.Delete(log);
            }

            // One all-or-nothing write: the machine's summary files and listings, every machine's charts, the page.
            var machines = others.Append(machine).OrderBy(m => m.Slug, StringComparer.Ordinal).ToList();
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, text) in SummaryFiles.Render(summary, slug).Concat(listings).Concat(ReportCommand.Files(machines)))
                files[path] = text;
            AtomicFiles.WriteAll(results, files);
            console.MarkupLineInterpolated($"published {machineDir} and regenerated {Path.Combine(results, ReportCommand.Page)}");
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>The other machine folders under <paramref name="results"/>, loaded and validated (this machine's is about to be replaced).</summary>
    static IReadOnlyList<PublishedMachine> OtherMachines(string results, string slug)
    {
        if (!Directory.Exists(results))
            return [];
        var folders = Directory.EnumerateDirectories(results)
            .Where(d => Path.GetFileName(d) != slug && File.Exists(Path.Combine(d, SummaryLoader.FileName)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (folders.Count == 0)
            return [];
        var machines = PublishedMachine.Load(folders);
        var same = machines.FirstOrDefault(m => m.Slug == slug);
        if (same is not null)
            throw new UsageException($"{folders[machines.ToList().IndexOf(same)]} already holds this machine ({slug}) under another name; move or remove it before publishing");
        return machines;
    }

    static IEnumerable<string> PlannedFiles(string slug, IReadOnlyList<PublishedMachine> others) =>
        SummaryFiles.Names.Select(n => $"{slug}/{n}")
            .Concat(new[] { ReportBuilder.ArgsChart, ReportBuilder.BarChart, ReportBuilder.MitigationsChart, ReportBuilder.LadderChart, ReportBuilder.FunctionsChart, ReportBuilder.CallerChart, AttachmentReport.OpsChart, AttachmentReport.ProgsChart }
                .Select(c => $"{slug}/charts/{c}"))
            .Concat(others.SelectMany(m => ReportBuilder.ChartFiles(m).Keys));

    /// <summary>
    /// The measured code of every strategy at 2 arguments (empty handler, host convention), and of the quick
    /// matrix's attached cells (ops-list at K = 8, direct under bpf-6.18), named after their key's axes.
    /// </summary>
    static Dictionary<string, string> Listings(string slug)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        IEnumerable<HookSetOptions> listed =
        [
            .. StrategyCatalog.All.Select(s => new HookSetOptions(s, HandlerKind.Empty, 2, CallingConvention.Host)),
            .. RunPlan.Quick().Where(c => !c.Key.Attach.IsDefault).Select(c => c.Key.HookSet(CallingConvention.Host)).Distinct(),
        ];
        foreach (var options in listed)
        {
            using var set = HookSetBuilder.Build(options);
            string profile = options.Profile.Name == Mitigations.MitigationProfiles.None.Name ? string.Empty : $".profile-{options.Profile.Name}";
            string tail = profile + string.Concat(options.Attach.Terms().Select(t => $".{t.Axis}-{t.Value}"));
            files[$"{slug}/disasm/{options.Strategy.Name}{tail}.txt"] = $"# addresses relocated to 0x{ListingBase:X} (the arena's base) for stable diffs\n"
                + DisasmCommand.Render(set, new Disassembler(set, ListingBase));
        }

        files[$"{slug}/disasm/thunks.txt"] = ThunkListings();
        return files;
    }

    /// <summary>
    /// Every mitigation thunk once, as a hook set of each profile emits it. direct-fexit with BPF_TRAMP_F_SHARE_IPMODIFY
    /// is the one single-handler trampoline with an indirect call (ORIG_STACK), so its sets carry the retpoline thunks too.
    /// </summary>
    static string ThunkListings()
    {
        var text = new StringWriter { NewLine = "\n" };
        text.WriteLine($"# the mitigation thunks, one copy per hook set; addresses relocated to 0x{ListingBase:X}");
        var shared = StrategyCatalog.DirectFexit with
        {
            Name = "direct-fexit-shared",
            Trampoline = StrategyCatalog.DirectFexit.Trampoline!.With(Trampolines.TrampolineFlags.ShareIpModify),
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var profile in Mitigations.MitigationProfiles.Every.Where(p => !p.IsNone))
        {
            using var set = HookSetBuilder.Build(new HookSetOptions(shared, HandlerKind.Empty, 2, CallingConvention.Host) { Profile = profile });
            var disassembler = new Disassembler(set, ListingBase);
            foreach (var blob in set.Thunks.Blobs.Where(b => seen.Add(b.Name)))
            {
                text.WriteLine();
                text.WriteLine($"{blob.Name} (profile {profile.Name}): {blob.Source}");
                foreach (var line in disassembler.Blob(blob))
                    text.WriteLine($"  {line}");
            }
        }

        return text.ToString();
    }
}
