using System.CommandLine;
using HookBench.Strategies;
using Spectre.Console;

namespace HookBench.Cli;

/// <summary><c>hookbench list</c>: the strategies, what each saves, and where its sequence comes from.</summary>
public static class ListCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("list", "List the hooking strategies, what each saves, and its origin.");
        command.SetAction(_ =>
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("strategy").AddColumn("saves").AddColumn("origin");
            foreach (Strategy strategy in StrategyCatalog.All)
                table.AddRow(Markup.Escape(strategy.Name), Markup.Escape(strategy.Saves), Markup.Escape(strategy.Origin));
            Consoles.For(output).Write(table);
            return HookBenchCli.Ok;
        });
        return command;
    }
}
