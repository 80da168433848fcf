using Spectre.Console;

namespace HookBench.Cli;

/// <summary>A Spectre console over a given writer, so commands render the same to a terminal, a pipe or a test.</summary>
public static class Consoles
{
    /// <summary>Width used when the output is not a terminal (CI logs, files): wide enough for the results table.</summary>
    public const int RedirectedWidth = 140;

    public static IAnsiConsole For(TextWriter output)
    {
        if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
            return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
