using System.Text.Json;
using HookBench.Cells;
using HookBench.Results;

namespace HookBench.Comparison;

/// <summary>
/// Loads a HookBench summary.json or a BenchmarkDotNet full JSON report (*-report-full.json), from the
/// file itself or a folder holding one. Anything else is a <see cref="UsageException"/> naming what was expected.
/// </summary>
public static class RunLoader
{
    public const string HookBenchFormat = "hookbench";
    public const string BdnFormat = "benchmarkdotnet";

    public static ComparableRun Load(string path)
    {
        string file = Resolve(path);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot read ({e.Message})");
        }

        return IsBdnReport(text) ? FromBdn(file, text) : FromSummary(file, SummaryJson.Deserialize(text, file));
    }

    static string Resolve(string path)
    {
        if (File.Exists(path))
            return path;
        if (!Directory.Exists(path))
            throw new UsageException($"{path} does not exist; give a summary.json, a BenchmarkDotNet *-report-full.json, or a folder holding one");
        string summary = Path.Combine(path, "summary.json");
        if (File.Exists(summary))
            return summary;
        var reports = Directory.EnumerateFiles(path, "*-report-full.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return reports.Count switch
        {
            1 => reports[0],
            0 => throw new UsageException($"{path} holds no summary.json or BenchmarkDotNet *-report-full.json"),
            _ => throw new UsageException($"{path} holds {reports.Count} BenchmarkDotNet reports; name one of them"),
        };
    }

    static bool IsBdnReport(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Benchmarks", out _)
                && document.RootElement.TryGetProperty("HostEnvironmentInfo", out _);
        }
        catch (JsonException)
        {
            return false;     // SummaryJson reports the corruption with its own message
        }
    }

    /// <summary>A summary already in memory (sensitivity runs compare without files).</summary>
    public static ComparableRun FromSummary(string file, RunSummary summary)
    {
        var e = summary.Environment;
        var origin = new RunOrigin(file, HookBenchFormat, e.Cpu, e.Kernel, e.Os, e.Hypervisor, e.Runtime);
        var cells = new Dictionary<string, ComparableCell>(StringComparer.Ordinal);
        foreach (var c in summary.Cells)
            cells[c.Key] = new ComparableCell(c.Key, "overhead ns", c.OverheadSamplesNs, c.OverheadNs.Median, c.NsPerCall.Median);
        return new ComparableRun(origin, cells);
    }

    /// <summary>
    /// The key tail of a BenchmarkDotNet Attach parameter ("default" or the key's axis=value terms joined by
    /// '/'); absent in reports from before the parameter existed.
    /// </summary>
    static string AttachSuffix(string? attach) =>
        attach is null or "default" ? string.Empty : $"{CellKey.Separator}{attach}";

    static ComparableRun FromBdn(string file, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var host = root.GetProperty("HostEnvironmentInfo");
            string Get(string name) => host.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "unknown";
            var origin = new RunOrigin(file, BdnFormat, Get("ProcessorName"), Get("OsVersion"), Get("OsVersion"), null, Get("RuntimeVersion"));
            var cells = new Dictionary<string, ComparableCell>(StringComparer.Ordinal);
            foreach (var benchmark in root.GetProperty("Benchmarks").EnumerateArray())
            {
                if (benchmark.GetProperty("Method").GetString() != "Hooked")
                    continue;
                var parameters = (benchmark.GetProperty("Parameters").GetString() ?? string.Empty)
                    .Split('&', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=', 2))
                    .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
                if (!benchmark.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
                    continue;     // a case that failed has no statistics
                string key = CellKey.Format(parameters["Strategy"], int.Parse(parameters["Args"], System.Globalization.CultureInfo.InvariantCulture), parameters["Handler"], parameters["Mode"])
                    + AttachSuffix(parameters.GetValueOrDefault("Attach"));
                double[] samples = [.. stats.GetProperty("OriginalValues").EnumerateArray().Select(v => v.GetDouble())];
                double median = stats.GetProperty("Median").GetDouble();
                cells[key] = new ComparableCell(key, "ns/call", samples, median, median);
            }

            return new ComparableRun(origin, cells);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or JsonException or FormatException)
        {
            throw new UsageException($"{file}: not a HookBench BenchmarkDotNet report ({e.Message.Split('\n')[0]})");
        }
    }
}
