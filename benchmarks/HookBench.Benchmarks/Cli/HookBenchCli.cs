using System.CommandLine;
using HookBench.Native;

namespace HookBench.Cli;

/// <summary>
/// The <c>hookbench</c> command line. Exit codes: 0 success, 1 a check failed, 2 bad input or an
/// unsupported host (one line on stderr, no stack trace).
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
        try
        {
            string? unsupported = HostPlatform.UnsupportedReason();
            if (unsupported is not null)
                throw new UsageException(unsupported);

            RootCommand root = BuildRoot(output);
            ParseResult parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                string command = parse.CommandResult.Command.Name;
                error.WriteLine($"hookbench: {parse.Errors[0].Message} (see 'hookbench {(command == root.Name ? "" : command + " ")}--help')");
                return BadInput;
            }

            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"hookbench: {e.Message}");
            return BadInput;
        }
    }

    /// <summary>The verbs this CLI owns; anything else goes to BenchmarkDotNet.</summary>
    public static IReadOnlySet<string> Verbs { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "list", "disasm", "validate", "run", "crosscheck", "compare", "sensitivity", "report", "publish", "machine",
        "patch-stress", "patch-latency", "trap-probe",
    };

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

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
            error.WriteLine($"hookbench: {e.Message}");
            return BadInput;
        }
    }

    static RootCommand BuildRoot(TextWriter output)
    {
        var root = new RootCommand(
            "HookBench: what a function hook costs per call, on real hardware, with real machine code.\n"
            + "Without a verb (or with 'full') it runs the BenchmarkDotNet suite; BenchmarkDotNet's own options "
            + "(--filter, --job, --list flat, --exporters) and HookBench's --matrix standard|full and --config publish|ci apply there.");
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
        root.Subcommands.Add(PatchStressCommand.Create(output));
        root.Subcommands.Add(PatchLatencyCommand.Create(output));
        root.Subcommands.Add(TrapProbeCommand.Create(output));
        return root;
    }
}
