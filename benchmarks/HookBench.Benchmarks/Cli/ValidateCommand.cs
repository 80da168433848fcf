using System.CommandLine;
using System.Diagnostics;
using HookBench.Abi;
using HookBench.Cells;
using HookBench.Footprint;
using HookBench.HookSets;
using HookBench.Strategies;
using HookBench.Validation;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary><c>hookbench validate</c>: every case through the transparency validator; exit 1 on any failure.</summary>
public static class ValidateCommand
{
    public static Command Create(TextWriter output)
    {
        var strategy = CommonOptions.Strategy(required: false);
        var profiles = CommonOptions.Profiles();
        profiles.Description = $"Comma list of mitigation profiles: {Mitigations.MitigationProfiles.ValidNames} (default: all of them; footprint sets are checked under none only)";
        var command = new Command(
            "validate",
            "Prove every strategy × profile × handler × args 0..6 × ABI × alignment, the ops-list and BPF shapes, every footprint set (16, 256, 4096 hooked functions), and the kernel's probes with every BPF program, transparent.")
        { strategy, profiles };
        command.SetAction(parse =>
        {
            string? name = parse.GetValue(strategy);
            Strategy? only = name is null ? null : StrategyCatalog.Parse(name);
            var chosen = parse.GetValue(profiles) is string p ? CellAxes.ParseProfiles(p) : null;
            if (only is not null && chosen is not null)
            {
                foreach (var profile in chosen)
                    new HookSetOptions(only, Handlers.HandlerKind.Empty, 2, CallingConvention.Host) { Profile = profile }.EnsureValid();
            }

            if (only is { IsKernelProbe: true } && Uprobes.KernelProbes.ForThisProcess().MissingFacility() is { } missing)
                throw new UsageException($"{only.Name} needs kernel uprobes and this host has none: {missing.Line}");

            var clock = Stopwatch.StartNew();
            var results = TransparencyValidator.ValidateAll([.. ValidationCases.All(only, chosen)]);
            var guards = ValidationCases.Reentrant(only, chosen).Select(RecursionGuardValidator.Validate).ToList();
            clock.Stop();
            var console = Consoles.For(output);
            Report(console, results, clock.Elapsed);
            ReportGuards(console, guards);
            clock.Restart();
            // Footprint sets are built with profile none only (CellKey refuses the others for functions > 1).
            bool footprintProfile = chosen is null || chosen.Any(p => p.Name == Mitigations.MitigationProfiles.None.Name);
            var footprints = (footprintProfile ? FootprintValidationCases.All(only) : []).Select(c => FootprintValidator.Validate(c.Options, c.Functions)).ToList();
            clock.Stop();
            ReportFootprints(console, footprints, clock.Elapsed);
            return results.All(r => r.Passed) && guards.All(r => r.Passed) && footprints.All(r => r.Passed) ? HookBenchCli.Ok : HookBenchCli.Failed;
        });
        return command;
    }

    static void Report(IAnsiConsole console, IReadOnlyList<TransparencyResult> results, TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("strategy").AddColumn("cases", c => c.RightAligned()).AddColumn("checks", c => c.RightAligned())
            .AddColumn("handler RSP mod 16: kernel").AddColumn("c-abi").AddColumn("result");
        foreach (var group in results.GroupBy(r => r.Case.Strategy))
        {
            int failed = group.Count(r => !r.Passed);
            int skipped = group.Count(r => r.Skipped is not null);
            string verdict = failed > 0 ? $"[red]{failed} failed[/]"
                : skipped == group.Count() ? "[yellow]skipped[/]"
                : skipped > 0 ? $"[green]pass[/] [yellow]({skipped} skipped)[/]"
                : "[green]pass[/]";
            table.AddRow(
                Markup.Escape(group.Key.Name),
                group.Count().ToString(),
                group.Sum(r => r.Checks).ToString(),
                AlignmentSummary(group.Where(r => r.Case.Alignment == StackAlignment.Kernel)),
                AlignmentSummary(group.Where(r => r.Case.Alignment == StackAlignment.CAbi)),
                verdict);
        }

        console.Write(table);
        // One line per refusal, however many cases it hit (they differ only in the probed file's path): which, why, how to enable.
        foreach (var refusal in results.Where(r => r.Refused is not null).GroupBy(r => (r.Refused!.Facility, r.Refused.Remedy)))
        {
            var strategies = refusal.Select(r => r.Case.Strategy.Name).Distinct();
            console.MarkupLineInterpolated($"[yellow]skipped {refusal.Count()} cases ({string.Join(", ", strategies)}): {refusal.First().Skipped}[/]");
        }

        foreach (var failure in results.Where(r => !r.Passed).Take(50))
            console.MarkupLineInterpolated($"[red]FAIL[/] {failure.Case}: {string.Join("; ", failure.Failures)}");
        int passed = results.Count(r => r.Passed && r.Skipped is null);
        int ran = results.Count(r => r.Skipped is null);
        console.MarkupLineInterpolated(
            $"{passed} of {ran} cases passed ({results.Sum(r => r.Checks)} checks, {results.Select(r => r.Case.Profile.Name).Distinct().Count()} profiles, {CallingConvention.All.Count} ABIs, args 0..{HookSetOptions.MaxArgs}) in {elapsed.TotalSeconds:F2} s");
    }

    static void ReportFootprints(IAnsiConsole console, IReadOnlyList<FootprintValidationResult> results, TimeSpan elapsed)
    {
        if (results.Count == 0)
            return;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("strategy").AddColumn("shape").AddColumn("sets", c => c.RightAligned()).AddColumn("functions")
            .AddColumn("checks", c => c.RightAligned()).AddColumn("handler RSP mod 16").AddColumn("result");
        foreach (var group in results.GroupBy(r => r.Case.Strategy))
        {
            int failed = group.Count(r => !r.Passed);
            table.AddRow(
                Markup.Escape(group.Key.Name),
                Markup.Escape(FootprintShapes.Name(FootprintShapes.For(group.Key))),
                group.Count().ToString(),
                string.Join(", ", group.Select(r => r.Functions).Distinct().Order()),
                group.Sum(r => r.Checks).ToString(),
                string.Join(",", group.Select(r => r.HandlerEntryRspMod16).Where(m => m is not null).Distinct().Order()) is { Length: > 0 } mods ? mods : "-",
                failed == 0 ? "[green]pass[/]" : $"[red]{failed} failed[/]");
        }

        console.Write(table);
        foreach (var failure in results.Where(r => !r.Passed).Take(50))
            console.MarkupLineInterpolated($"[red]FAIL[/] {failure}: {string.Join("; ", failure.Failures)}");
        console.MarkupLineInterpolated(
            $"{results.Count(r => r.Passed)} of {results.Count} footprint sets passed ({results.Sum(r => r.Checks)} checks: every function's body and hook counted exactly, through a probe and the measurement's driver) in {elapsed.TotalSeconds:F2} s");
    }

    /// <summary>The recursion-guard cases: a callback that calls the traced function again from inside the hook.</summary>
    static void ReportGuards(IAnsiConsole console, IReadOnlyList<TransparencyResult> guards)
    {
        if (guards.Count == 0)
            return;
        foreach (var failure in guards.Where(r => !r.Passed).Take(50))
            console.MarkupLineInterpolated($"[red]FAIL[/] re-entry {failure.Case}: {string.Join("; ", failure.Failures)}");
        console.MarkupLineInterpolated(
            $"recursion guards: {guards.Count(r => r.Passed)} of {guards.Count} re-entering cases passed ({guards.Sum(r => r.Checks)} checks)");
    }

    static string AlignmentSummary(IEnumerable<TransparencyResult> results)
    {
        var mods = results.Select(r => r.HandlerEntryRspMod16).Where(m => m is not null).Distinct().OrderBy(m => m).ToList();
        return mods.Count == 0 ? "-" : string.Join(",", mods);
    }
}
