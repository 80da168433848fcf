using System.Reflection;
using BenchmarkDotNet.ConsoleArguments;
using BenchmarkDotNet.Loggers;

namespace HookBench.Cli.Bdn;

/// <summary>
/// What may reach BenchmarkDotNet: its own options (read from its <see cref="CommandLineOptions"/>, so the
/// list matches the version in use) and HookBench's <c>--matrix</c> and <c>--config</c>. Arguments are
/// checked with BenchmarkDotNet's own parser before anything runs, so a typo costs a line, not a run.
/// </summary>
public static class BdnArguments
{
    /// <summary>HookBench's options of the suite, taken out before BenchmarkDotNet sees the rest.</summary>
    public static IReadOnlyList<string> HookBenchOptions { get; } = ["--matrix", "--config"];

    /// <summary>The options named in messages; the full list is BenchmarkDotNet's --help.</summary>
    public static IReadOnlyList<string> Common { get; } = ["--filter", "--job", "--list", "--exporters", "--artifacts", "--matrix", "--config"];

    /// <summary>Every option BenchmarkDotNet's parser accepts, as "--long" and "-s", lower case (it ignores case).</summary>
    public static IReadOnlySet<string> Options { get; } = ReadOptions();

    static HashSet<string> ReadOptions()
    {
        var names = new HashSet<string>(HookBenchOptions, StringComparer.OrdinalIgnoreCase) { "--help", "--version" };
        foreach (var property in typeof(CommandLineOptions).GetProperties())
        {
            var option = property.GetCustomAttribute<CommandLine.OptionAttribute>();
            if (option is null)
                continue;
            if (!string.IsNullOrEmpty(option.LongName))
                names.Add("--" + option.LongName);
            if (!string.IsNullOrEmpty(option.ShortName))
                names.Add("-" + option.ShortName);
        }

        return names;
    }

    /// <summary>Whether a token names a BenchmarkDotNet (or suite) option, with or without "=value".</summary>
    public static bool IsOption(string token) => token.StartsWith('-') && Options.Contains(token.Split('=', 2)[0]);

    /// <summary>Help or version requests: BenchmarkDotNet prints them and runs nothing.</summary>
    public static bool AsksForHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "--version");

    /// <summary>
    /// Parses <paramref name="args"/> (the suite's own options already taken out) with BenchmarkDotNet's parser
    /// and throws its first complaint as one line; returns whether the arguments only list or describe benchmarks.
    /// </summary>
    public static bool Validate(string[] args)
    {
        var logger = new AccumulationLogger();
        var (ok, _, options) = ConfigParser.Parse(args, logger);
        if (!ok)
            throw new UsageException($"BenchmarkDotNet refused the arguments: {FirstComplaint(logger.GetLog())}; its options include {string.Join(", ", Common)} (all: 'hookbench full --help')");
        return options.ListBenchmarkCaseMode != BenchmarkDotNet.ConsoleArguments.ListBenchmarks.ListBenchmarkCaseMode.Disabled || options.PrintInformation;
    }

    static string FirstComplaint(string log)
    {
        var lines = log.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        int errors = lines.FindIndex(l => l.StartsWith("ERROR(S)", StringComparison.Ordinal));
        string line = errors >= 0 && errors + 1 < lines.Count ? lines[errors + 1] : lines.FirstOrDefault() ?? "no reason given";
        return line.TrimEnd('.');
    }
}
