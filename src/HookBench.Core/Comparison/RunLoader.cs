using System.Text.Json;
using HookBench.Machine;
using HookBench.Results;

namespace HookBench.Comparison;

/// <summary>
/// Loads a HookBench summary.json or a BenchmarkDotNet full JSON report (*-report-full.json), from the
/// file itself or a folder holding one, through <see cref="ResultFileReader"/> (bounded, streamed, strict).
/// Anything else is a <see cref="UsageException"/> naming what was expected.
/// </summary>
public static class RunLoader
{
    public const string HookBenchFormat = "hookbench";
    public const string BdnFormat = "benchmarkdotnet";

    /// <summary>How deep a folder is searched for a BenchmarkDotNet report (BenchmarkDotNet writes it two levels down).</summary>
    public const int MaxSearchDepth = 8;

    public static ComparableRun Load(string path)
    {
        string file = Resolve(path);
        return ResultFileReader.Read(file, stream =>
        {
            var outline = JsonOutline.Scan(stream, file);
            stream.Position = 0;
            return IsBdnReport(outline) ? BdnReportReader.Read(stream, file) : FromSummary(file, SummaryJson.Read(outline, stream, file));
        });
    }

    static string Resolve(string path)
    {
        string resolved = ResultFileReader.Resolve(path);
        if (!Directory.Exists(resolved))
            return resolved;
        string summary = Path.Combine(resolved, SummaryLoader.FileName);
        if (File.Exists(summary))
            return summary;

        // Symbolic links inside the folder are not followed: a link to a parent would make the search endless.
        var search = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            MaxRecursionDepth = MaxSearchDepth,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
            MatchType = MatchType.Simple,
        };
        List<string> reports;
        try
        {
            reports = [.. Directory.EnumerateFiles(resolved, "*-report-full.json", search).Order(StringComparer.Ordinal).Take(100)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot search the folder ({ResultFileReader.OneLine(e.Message)})");
        }

        return reports.Count switch
        {
            1 => reports[0],
            0 => throw new UsageException($"{path} holds no summary.json or BenchmarkDotNet *-report-full.json (searched {MaxSearchDepth} levels, links not followed)"),
            _ => throw new UsageException($"{path} holds {(reports.Count == 100 ? "100 or more" : reports.Count)} BenchmarkDotNet reports; name one of them"),
        };
    }

    static bool IsBdnReport(JsonOutline outline) =>
        outline.Root == JsonValueKind.Object && outline.Has("Benchmarks") && outline.Has("HostEnvironmentInfo");

    /// <summary>A summary already in memory (sensitivity runs compare without files); foreign cells are marked.</summary>
    public static ComparableRun FromSummary(string file, RunSummary summary)
    {
        var e = summary.Environment;
        var origin = new RunOrigin(file, HookBenchFormat, e.Cpu, e.Kernel, e.Os, e.Hypervisor, e.Runtime, e.Identity());
        var foreign = SummaryValidation.ForeignCells(summary).ToHashSet(StringComparer.Ordinal);
        var run = SummaryCells.From(origin, summary);
        return run with
        {
            Cells = run.Cells.ToDictionary(c => c.Key, c => c.Value with { Foreign = foreign.Contains(c.Key) }, StringComparer.Ordinal),
        };
    }
}
