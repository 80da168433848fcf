using System.CommandLine;
using HookBench.Mitigations;
using HookBench.Strategies;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench list</c>: the strategies (what each saves, where its sequence comes from), then the
/// mitigation profiles (what each compiles in, the kernel source it follows, and what <c>host</c> read here).
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
            return HookBenchCli.Ok;
        });
        return command;
    }
}
