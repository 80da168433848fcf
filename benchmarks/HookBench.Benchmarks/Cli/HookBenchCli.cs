using System.CommandLine;
using HookBench.Native;

namespace HookBench.Cli;

/// <summary>
/// The <c>hookbench</c> command line. Exit codes: 0 success, 1 a check failed, 2 bad input, an unsupported
/// host, or output that cannot be written (one line on stderr, no stack trace).
/// </summary>
public static class HookBenchCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        return Guard(() =>
        {
            RootCommand root = BuildRoot(output);
            ParseResult parse = root.Parse(args, NoResponseFiles);
            if (parse.Errors.Count > 0)
                throw new UsageException(ParseError(parse, root));
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }, error);
    }

    /// <summary>
    /// "@file" arguments are taken literally: System.CommandLine would read them as response files, and
    /// "@/dev/zero" or "@fifo" would never finish.
    /// </summary>
    static readonly ParserConfiguration NoResponseFiles = new() { ResponseFileTokenReplacer = null };

    /// <summary>The verbs this CLI owns, in the order help lists them.</summary>
    public static IReadOnlyList<string> VerbNames { get; } =
        ["list", "disasm", "validate", "run", "crosscheck", "compare", "sensitivity", "report", "publish", "machine", "coverage", "ab",
         "patch-stress", "patch-latency"];

    /// <summary>What the dispatcher accepts: the listed verbs and <c>trap-probe</c>, the child process of a test, never listed.</summary>
    public static IReadOnlySet<string> Verbs { get; } = new HashSet<string>([.. VerbNames, "trap-probe"], StringComparer.Ordinal);

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    /// <summary>The verbs that have an option named <paramref name="name"/> (any alias), for "did you forget the verb?".</summary>
    public static IReadOnlyList<string> VerbsWithOption(string name)
    {
        var root = BuildRoot(TextWriter.Null);
        return [.. root.Subcommands.Where(c => c.Options.Any(o => o.Name == name || o.Aliases.Contains(name))).Select(c => c.Name)];
    }

    /// <summary>Runs <paramref name="action"/> with the CLI's error contract: bad input is one line and exit 2.</summary>
    public static int Guard(Func<int> action, TextWriter error)
    {
        try
        {
            string? unsupported = HostPlatform.UnsupportedReason();
            if (unsupported is not null)
                throw new UsageException(unsupported);
            return action();
        }
        catch (UsageException e)
        {
            return Refuse(e.Message, error);
        }
        catch (OutputFailedException e)
        {
            return Refuse(e.Message, error);
        }
    }

    /// <summary>Prints "hookbench: message" as exactly one line (control characters from input shown as '?') and returns 2.</summary>
    public static int Refuse(string message, TextWriter error)
    {
        string line = new([.. message.Select(c => char.IsControl(c) ? '?' : c)]);
        try
        {
            error.WriteLine($"hookbench: {line}");
            error.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // stderr is gone too; the exit code is all that is left to say it.
        }

        return BadInput;
    }

    /// <summary>A parse error as one line that names what the verb accepts, instead of pointing to --help.</summary>
    static string ParseError(ParseResult parse, RootCommand root)
    {
        var command = parse.CommandResult.Command;
        string verb = command == root ? "hookbench" : command.Name;
        var options = command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "--version")).Select(o => o.Name).ToList();
        var arguments = command.Arguments.Select(a => a.Name).ToList();
        string takes = (arguments.Count, options.Count) switch
        {
            (0, 0) => "no arguments and no options",
            (0, _) => $"options: {string.Join(", ", options)}",
            (_, 0) => $"{string.Join(" ", arguments)} and no options",
            _ => $"{string.Join(" ", arguments)} and options: {string.Join(", ", options)}",
        };
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = VerbDispatcher.Printable(parse.UnmatchedTokens[0]);
            if (token.StartsWith('-'))
            {
                string? near = NearMatch.Suggest(token.Split('=', 2)[0], command.Options.SelectMany(o => o.Aliases.Append(o.Name)));
                string valid = options.Count == 0 ? "it takes no options" : $"valid: {string.Join(", ", options)}";
                return $"unknown option '{token}' for '{verb}'; {(near is null ? "" : $"did you mean '{near}'? ")}{valid}";
            }

            return $"unexpected argument '{token}' for '{verb}'; it takes {takes}";
        }

        string message = VerbDispatcher.Printable(parse.Errors[0].Message).TrimEnd('.');
        return $"{message} ('{verb}' takes {takes})";
    }

    static RootCommand BuildRoot(TextWriter output)
    {
        var root = new RootCommand(
            "HookBench: what a function hook costs per call, on real hardware, with real machine code.\n"
            + "Without a verb (or with 'full') it runs the BenchmarkDotNet suite; BenchmarkDotNet's own options "
            + "(--filter, --job, --list flat, --exporters) and HookBench's --matrix standard|full|mitigations and --config publish|ci apply there.");
        root.Subcommands.Add(ListCommand.Create(output));
        root.Subcommands.Add(DisasmCommand.Create(output));
        root.Subcommands.Add(ValidateCommand.Create(output));
        root.Subcommands.Add(RunCommand.Create(output));
        root.Subcommands.Add(CrosscheckCommand.Create(output));
        root.Subcommands.Add(CompareCommand.Create(output));
        root.Subcommands.Add(SensitivityCommand.Create(output));
        root.Subcommands.Add(ReportCommand.Create(output));
        root.Subcommands.Add(PublishCommand.Create(output));
        root.Subcommands.Add(MachineCommand.Create(output));
        root.Subcommands.Add(CoverageCommand.Create(output));
        root.Subcommands.Add(AbCommand.Create(output));
        root.Subcommands.Add(PatchStressCommand.Create(output));
        root.Subcommands.Add(PatchLatencyCommand.Create(output));
        root.Subcommands.Add(TrapProbeCommand.Create(output));
        return root;
    }
}
