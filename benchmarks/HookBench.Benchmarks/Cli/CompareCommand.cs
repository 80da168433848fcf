using System.CommandLine;
using System.Globalization;
using HookBench.Comparison;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench compare BASE CURRENT</c>: which cells got slower or faster, with statistics. Exit 0 when
/// nothing got slower or the runs come from different hardware (then the report starts with
/// "not gated: different hardware (...)"; <c>--gate-anyway</c> gates regardless), 1 on a regression, 2 on bad input.
/// </summary>
public static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var baseArg = new Argument<string>("BASE") { Description = "summary.json, BenchmarkDotNet *-report-full.json, or a folder holding one" };
        var currentArg = new Argument<string>("CURRENT") { Description = "the same kind of result for the run under test" };
        var threshold = new Option<string>("--threshold") { Description = "Practical threshold relative to the base, e.g. 5% (default) or 0.05" };
        var noise = new Option<string>("--noise") { Description = "Noise floor in ns: smaller differences never count (default 0.1)" };
        var format = new Option<string>("--format") { Description = "markdown (default) or json" };
        var outFile = new Option<string>("--out") { Description = "Also write the report to this new file (atomically; an existing file is never replaced)" };
        var gateAnyway = new Option<bool>("--gate-anyway") { Description = "Exit 1 on a slower cell even when the runs come from different CPUs or microcode" };
        var command = new Command("compare", "Compare two runs cell by cell: slower, faster, same, new, missing. Only runs on the same hardware are gated.")
        {
            baseArg, currentArg, threshold, noise, format, outFile, gateAnyway,
        };
        command.SetAction(parse =>
        {
            var thresholds = new Thresholds(
                ParseFraction(parse.GetValue(threshold) ?? "5%"),
                ParseNoise(parse.GetValue(noise) ?? "0.1"));
            string kind = (parse.GetValue(format) ?? "markdown").ToLowerInvariant();
            if (kind is not ("markdown" or "json"))
                throw new UsageException($"unknown format '{kind}'; valid: markdown, json");
            string basePath = parse.GetValue(baseArg)!, currentPath = parse.GetValue(currentArg)!;
            string? file = parse.GetValue(outFile);
            string? fullOut = file is null ? null : OutputPaths.CheckFile(file, "--out", [basePath, currentPath]);

            var report = Comparer.Compare(RunLoader.Load(basePath), RunLoader.Load(currentPath), thresholds, parse.GetValue(gateAnyway));
            string text = kind == "json" ? ComparisonMarkdown.RenderJson(report) : ComparisonMarkdown.Render(report);
            if (fullOut is not null)
                AtomicFiles.WriteAll(Path.GetDirectoryName(fullOut)!, new Dictionary<string, string> { [Path.GetFileName(fullOut)] = text }, replace: false);
            output.Write(text);
            return report.Gate.Fails ? HookBenchCli.Failed : HookBenchCli.Ok;
        });
        return command;
    }

    internal static double ParseFraction(string text)
    {
        string number = text.EndsWith('%') ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0)
            throw new UsageException($"--threshold '{text}' is not a fraction; valid: a percentage like 5% or a fraction like 0.05");
        double fraction = text.EndsWith('%') ? value / 100 : value;
        return fraction is > 0 and < 1 ? fraction : throw new UsageException($"--threshold '{text}' must lie between 0% and 100%");
    }

    internal static double ParseNoise(string text) =>
        double.TryParse(text.Replace("ns", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value < 1e6
            ? value
            : throw new UsageException($"--noise '{text}' is not a duration in ns; valid: a number such as 0.1");
}
