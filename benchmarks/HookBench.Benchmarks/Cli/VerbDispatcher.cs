using HookBench.Cli.Bdn;

namespace HookBench.Cli;

/// <summary>Where a command line goes: HookBench's verbs, the BenchmarkDotNet suite, or nowhere (with the reason).</summary>
public sealed record Dispatch(Dispatch.Target To, string[] Args, string? Refusal = null)
{
    public enum Target
    {
        Verbs,
        BenchmarkDotNet,
        Refused,
    }
}

/// <summary>
/// The strict front door. Only an explicit way into the BenchmarkDotNet suite reaches it: no arguments,
/// <c>full</c>, or arguments that start with one of its options. A known verb goes to the CLI; anything
/// else that looks like a verb is refused with the nearest verb ("unknown verb 'runn'; did you mean
/// 'run'?"), because a typo must not start a five-minute run.
/// </summary>
public static class VerbDispatcher
{
    public const string Full = "full";

    static readonly string[] RootHelp = ["-h", "--help", "-?", "/?", "/h", "--version"];

    public static Dispatch Route(string[] args)
    {
        if (args.Length == 0)
            return new Dispatch(Dispatch.Target.BenchmarkDotNet, []);
        string first = args[0];
        if (HookBenchCli.Verbs.Contains(first) || RootHelp.Contains(first))
            return new Dispatch(Dispatch.Target.Verbs, args);
        if (first == Full)
        {
            string[] rest = args[1..];
            return rest.Length == 0 || rest[0].StartsWith('-') ? Bdn(rest) : Refuse(
                $"after '{Full}' give BenchmarkDotNet options (e.g. --filter '*direct*'), not '{Printable(rest[0])}'");
        }

        if (first.StartsWith('-') && first.Length > 1)
            return Bdn(args);
        return Refuse(UnknownVerb(first));
    }

    /// <summary>Every option-looking token must be one BenchmarkDotNet or the suite knows; values may follow them.</summary>
    static Dispatch Bdn(string[] args)
    {
        // BenchmarkDotNet reads "@file" as a response file, whole and without limit ("@/dev/zero" never ends).
        if (args.FirstOrDefault(a => a.StartsWith('@')) is string responseFile)
            return Refuse($"response files ('{Printable(responseFile)}') are not read; give the BenchmarkDotNet options themselves");
        foreach (string token in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) || (a.Length == 2 && a[0] == '-' && char.IsAsciiLetter(a[1]))))
        {
            if (BdnArguments.IsOption(token))
                continue;
            string name = token.Split('=', 2)[0];
            var owners = HookBenchCli.VerbsWithOption(name);
            if (owners.Count > 0)
                return Refuse($"'{Printable(name)}' is an option of {string.Join(", ", owners.Select(v => $"'{v}'"))}, not of the BenchmarkDotNet suite; put the verb first, e.g. 'hookbench {owners[0]} {Printable(name)} ...'");
            string? near = NearMatch.Suggest(name, BdnArguments.Options.Where(o => o.StartsWith("--", StringComparison.Ordinal)));
            return Refuse($"unknown option '{Printable(name)}'{(near is null ? "" : $"; did you mean '{near}'?")}; give a verb ({string.Join(", ", HookBenchCli.VerbNames)}) or BenchmarkDotNet options such as {string.Join(", ", BdnArguments.Common)}");
        }

        return new Dispatch(Dispatch.Target.BenchmarkDotNet, args);
    }

    static string UnknownVerb(string word)
    {
        if (string.IsNullOrWhiteSpace(word))
            return $"an empty verb was given; valid: {ValidVerbs}";
        if (word.Equals("help", StringComparison.OrdinalIgnoreCase))
            return "unknown verb 'help'; did you mean '--help'?";
        string? near = NearMatch.Suggest(word, [.. HookBenchCli.VerbNames, Full]);
        return near is not null
            ? $"unknown verb '{Printable(word)}'; did you mean '{near}'?"
            : $"unknown verb '{Printable(word)}'; valid: {ValidVerbs}";
    }

    static string ValidVerbs => $"{string.Join(", ", HookBenchCli.VerbNames)}, or '{Full}' (or no arguments) for the BenchmarkDotNet suite";

    static Dispatch Refuse(string message) => new(Dispatch.Target.Refused, [], message);

    /// <summary>A token from the command line, safe to print on one line.</summary>
    public static string Printable(string text)
    {
        var clean = new string([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 80 ? clean + "…" : clean;
    }
}
