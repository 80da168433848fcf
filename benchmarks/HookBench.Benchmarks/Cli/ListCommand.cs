using System.CommandLine;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench list</c>: the strategies (what each saves, where its sequence comes from), then the
/// mitigation profiles (what each compiles in, the kernel source it follows, and what <c>host</c> read here),
/// then whether this host has the kernel probes and which uprobe paths its kernel has.
/// </summary>
public static class ListCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("list", "List the hooking strategies and the mitigation profiles, with their kernel sources.");
        command.SetAction(_ =>
        {
            var console = Consoles.For(output);
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("strategy").AddColumn("saves").AddColumn("origin");
            foreach (Strategy strategy in StrategyCatalog.All)
                table.AddRow(Markup.Escape(strategy.Name), Markup.Escape(strategy.Saves), Markup.Escape(strategy.Origin));
            console.Write(table);

            var profiles = new Table().Border(TableBorder.Rounded)
                .AddColumn("profile").AddColumn("compiles in").AddColumn("kernel source");
            foreach (MitigationProfile profile in MitigationProfiles.Every)
            {
                string what = profile.Name == MitigationProfiles.HostName ? $"{profile.Summary}: {profile.Knobs}" : profile.Summary;
                profiles.AddRow(Markup.Escape(profile.Name), Markup.Escape(what), Markup.Escape(profile.Source));
            }

            console.Write(profiles);
            foreach (string reading in MitigationProfiles.Host.Reasons)
                console.MarkupLineInterpolated($"[grey]host: {reading}[/]");
            console.MarkupLineInterpolated($"[grey]{KernelProbesLine()}[/]");
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>
    /// Whether the kernel-probe strategies can run here (a missing facility, or the uprobe paths kallsyms names);
    /// whether this process may use them is only known by asking the kernel, which run and validate do.
    /// </summary>
    static string KernelProbesLine()
    {
        if (KernelProbes.ForThisProcess().MissingFacility() is { } missing)
            return $"kernel probes: {missing.Line}";
        if (KernelSymbols.Read() is not { } paths)
            return "kernel probes: the uprobe PMU is present; /proc/kallsyms is unreadable, so which uprobe paths the kernel has is unknown";
        static string YesNo(bool present) => present ? "yes" : "no";
        return $"kernel probes: the uprobe PMU is present; kallsyms: uretprobe syscall {YesNo(paths.UretprobeSyscall)} (6.11), "
            + $"uprobe syscall {YesNo(paths.UprobeSyscall)} and nop5 optimization {YesNo(paths.Nop5Optimization)} (6.18)";
    }
}
