using System.Globalization;
using HookBench.Footprint;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;

namespace HookBench.Cells;

/// <summary>
/// Parses the values of each cell axis from text (command-line options, result files), so that every
/// error names the valid values and every verb accepts the same forms.
/// </summary>
public static class CellAxes
{
    public static string ArgRange => $"0..{HookSetOptions.MaxArgs}";

    /// <summary>One argument count within 0..MaxArgs.</summary>
    public static int ParseArgCount(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= HookSetOptions.MaxArgs
            ? n
            : throw new UsageException($"{option} must be an integer in {ArgRange}; got '{text}'");

    /// <summary>Parses "0-6", "2", "0,2,6" or "1-3,6" into argument counts, refusing empty or inverted ranges.</summary>
    public static IReadOnlyList<int> ParseArgs(string text, string option = "--args")
    {
        var result = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || ends.Any(e => !int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new UsageException($"{option} '{text}' is not a count or range; valid: numbers {ArgRange} as N, A-B or a comma list");
            int lo = int.Parse(ends[0], CultureInfo.InvariantCulture), hi = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (lo > hi)
                throw new UsageException($"{option} range '{part}' is inverted; write it low-high, within {ArgRange}");
            if (hi > HookSetOptions.MaxArgs)
                throw new UsageException($"{option} '{part}' is outside {ArgRange}");
            for (int n = lo; n <= hi; n++)
                result.Add(n);
        }

        return [.. result];
    }

    /// <summary>Parses a comma list of names with <paramref name="parse"/>, refusing an empty list.</summary>
    public static IReadOnlyList<T> ParseList<T>(string text, string option, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new UsageException($"{option} is empty; give at least one value");
        return [.. parts.Select(parse).Distinct()];
    }

    public static IReadOnlyList<Strategy> ParseStrategies(string text, string option = "--strategies") =>
        ParseList(text, option, StrategyCatalog.Parse);

    public static IReadOnlyList<HandlerKind> ParseHandlers(string text, string option = "--handlers") =>
        ParseList(text, option, HandlerKinds.Parse);

    public static IReadOnlyList<MeasurementMode> ParseModes(string text, string option = "--mode") =>
        ParseList(text, option, MeasurementModes.Parse);

    /// <summary>A number of hooked functions: an integer from 1 up to what one arena reaches.</summary>
    public static int ParseFunctionCount(string text, string option)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1)
            throw new UsageException($"{option} must be an integer in 1..{FootprintBudget.MaxFunctions}; got '{text}'");
        return FootprintBudget.TryCheck(n, out string? error) ? (int)n : throw new UsageException($"{option}: {error}");
    }

    /// <summary>A comma list of function counts (the standard sweep is 1,16,256,4096).</summary>
    public static IReadOnlyList<int> ParseFunctions(string text, string option = "--functions") =>
        [.. ParseList(text, option, t => ParseFunctionCount(t, option)).Order()];

    public static IReadOnlyList<CallerContext> ParseCallers(string text, string option = "--caller") =>
        ParseList(text, option, CallerContexts.Parse);

    public static IReadOnlyList<MitigationProfile> ParseProfiles(string text, string option = "--profiles") =>
        ParseList(text, option, MitigationProfiles.Parse);

    public static IReadOnlyList<ProbeProgram> ParsePrograms(string text, string option = "--bpf") =>
        ParseList(text, option, ProbePrograms.Parse);
}
