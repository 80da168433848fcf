using Spectre.Console;

namespace HookBench.Cli;

/// <summary>A Spectre console over a given writer, so commands render the same to a terminal, a pipe or a test.</summary>
public static class Consoles
{
    public static IAnsiConsole For(TextWriter output) => ReferenceEquals(output, Console.Out)
        ? AnsiConsole.Console
        : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
}
