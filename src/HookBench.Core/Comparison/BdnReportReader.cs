using System.Globalization;
using System.Text.Json;
using HookBench.Cells;
using HookBench.Results;

namespace HookBench.Comparison;

/// <summary>
/// Reads a BenchmarkDotNet full JSON report (*-report-full.json) of HookBench's suite into comparable cells:
/// the Hooked method's per-iteration ns/call, keyed by its parameters. Only the fields used are typed, so
/// the rest streams past; every field used is checked and named when it is missing. A case without
/// measurements (it failed, or the file is cut short) is refused: a gate must not pass on missing data.
/// </summary>
public static class BdnReportReader
{
    /// <summary>The benchmark parameters that make a cell key, in key order.</summary>
    public static IReadOnlyList<string> KeyParameters { get; } = ["Strategy", "Args", "Handler", "Mode"];

    static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
    };

    public static ComparableRun Read(Stream stream, string file)
    {
        Report report;
        try
        {
            report = JsonSerializer.Deserialize<Report>(stream, Options) ?? throw Bad(file, "the report is null");
        }
        catch (JsonException e)
        {
            throw Bad(file, $"at {e.Path ?? "$"}: {JsonMessages.Explain(e)}");
        }
        catch (InvalidOperationException e)
        {
            throw Bad(file, ResultFileReader.OneLine(e.Message));
        }

        var host = report.HostEnvironmentInfo ?? throw Bad(file, "HostEnvironmentInfo is null");
        var benchmarks = report.Benchmarks ?? throw Bad(file, "Benchmarks is null");
        string Field(string? value) => value is null ? "unknown" : JsonOutline.Printable(value);
        var origin = new RunOrigin(file, RunLoader.BdnFormat, Field(host.ProcessorName), Field(host.OsVersion), Field(host.OsVersion), null, Field(host.RuntimeVersion), Machine.CpuIdentity.Unknown);

        // Reports of the launch design (one HookedAndUnhooked benchmark per case) come with their launches beside them.
        if (BdnLaunches.ReadBeside(file) is { } launches)
            return new ComparableRun(origin, BdnLaunches.Cells(launches));

        var cells = new Dictionary<string, ComparableCell>(StringComparer.Ordinal);
        for (int i = 0; i < benchmarks.Count; i++)
        {
            var benchmark = benchmarks[i] ?? throw Bad(file, $"Benchmarks[{i}] is null");
            string method = benchmark.Method ?? throw Bad(file, $"Benchmarks[{i}] has no \"Method\"");
            if (method != "Hooked")
                continue;
            var (key, foreign) = Key(file, i, benchmark.Parameters);
            var stats = benchmark.Statistics;
            if (stats?.OriginalValues is null || stats.OriginalValues.Count == 0 || stats.Median is null)
                throw Bad(file, $"case {key} has no measurements (\"Statistics\" with \"OriginalValues\" and \"Median\"): it failed or the report is cut short; a gate cannot judge missing data");
            if (stats.OriginalValues.Any(v => !double.IsFinite(v) || v <= 0 || v > Results.SummaryValidation.MaxNs) || !double.IsFinite(stats.Median.Value) || stats.Median <= 0 || stats.Median > Results.SummaryValidation.MaxNs)
                throw Bad(file, $"case {key} has a time that is not a positive number of ns up to one second (1e9 ns)");
            if (cells.ContainsKey(key))
                throw Bad(file, $"case {key} appears twice");
            cells[key] = new ComparableCell(key, "ns/call", stats.OriginalValues, stats.Median.Value, stats.Median.Value) { Foreign = foreign };
        }

        if (cells.Count == 0)
            throw Bad(file, "holds no measured Hooked case; a gate cannot judge missing data");
        return new ComparableRun(origin, cells);
    }

    /// <summary>"Strategy=direct&amp;Args=2&amp;Handler=empty&amp;Mode=throughput" as a cell key; parameters beyond the four are a foreign axis.</summary>
    static (string Key, bool Foreign) Key(string file, int index, string? parameters)
    {
        string expected = string.Join("&", KeyParameters.Select(p => p + "=..."));
        if (string.IsNullOrEmpty(parameters))
            throw Bad(file, $"Benchmarks[{index}] has no \"Parameters\"; expected {expected}");
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in parameters.Split('&'))
        {
            string[] parts = pair.Split('=', 2);
            bool valueOk = parts.Length == 2 && (parts[0] == AttachParameter ? IsAttach(parts[1]) : IsName(parts[1]));
            if (!valueOk || !IsName(parts[0]) || !values.TryAdd(parts[0], parts[1]))
                throw Bad(file, $"Benchmarks[{index}] has malformed \"Parameters\" ('{JsonOutline.Printable(parameters)}'); expected {expected}");
        }

        foreach (string name in KeyParameters)
        {
            if (!values.ContainsKey(name))
                throw Bad(file, $"Benchmarks[{index}] \"Parameters\" lack '{name}'; expected {expected}");
        }

        if (!int.TryParse(values["Args"], NumberStyles.None, CultureInfo.InvariantCulture, out int args))
            throw Bad(file, $"Benchmarks[{index}] has Args '{JsonOutline.Printable(values["Args"])}'; expected a count of 0 or more");
        string key = CellKey.Format(values["Strategy"], args, values["Handler"], values["Mode"], (CellKeyTerms.Profile, values.GetValueOrDefault("Profile")));
        // Attach holds the key's attachment terms ("ops=8/match=0.125"; "default" for none), in key order after the profile.
        if (values.GetValueOrDefault(AttachParameter) is string attach && attach != AttachDefault)
            key += CellKey.Separator + attach;
        var extra = values.Where(p => !KeyParameters.Contains(p.Key) && p.Key is not "Profile" and not AttachParameter)
            .Select(p => $"{p.Key.ToLowerInvariant()}={p.Value}").ToList();
        if (extra.Count > 0)
            return (key + CellKey.Separator + string.Join(CellKey.Separator, extra), true);
        if (!CellKey.TryParse(key, out var parsed, out _))
            return (key, true);
        if (parsed!.Text != key)
            throw Bad(file, $"case {key} is not in canonical form; this build writes it {parsed.Text}");
        return (key, false);
    }

    /// <summary>The suite's parameter for the attachment axes, and its value for none (BdnAttach in the benchmarks).</summary>
    const string AttachParameter = "Attach", AttachDefault = "default";

    /// <summary>An Attach value: <c>default</c>, or axis=value terms joined by the key separator.</summary>
    static bool IsAttach(string text) =>
        text == AttachDefault
        || (text.Length <= SummaryValidation.MaxNameLength
            && text.Split(CellKey.Separator).All(term => term.Split('=') is [var axis, var value] && IsName(axis) && IsName(value)));

    static bool IsName(string text) =>
        text.Length is > 0 and <= SummaryValidation.MaxNameLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    static UsageException Bad(string file, string why) => new($"{file}: not a usable HookBench BenchmarkDotNet report ({why})");

    // Properties rather than constructor parameters, so the serializer names the field that has the wrong type.
    sealed class Report
    {
        public Host? HostEnvironmentInfo { get; init; }
        public IReadOnlyList<Benchmark?>? Benchmarks { get; init; }
    }

    sealed class Host
    {
        public string? ProcessorName { get; init; }
        public string? OsVersion { get; init; }
        public string? RuntimeVersion { get; init; }
    }

    sealed class Benchmark
    {
        public string? Method { get; init; }
        public string? Parameters { get; init; }
        public Statistics? Statistics { get; init; }
    }

    sealed class Statistics
    {
        public IReadOnlyList<double>? OriginalValues { get; init; }
        public double? Median { get; init; }
    }
}
